"""Reads of monitors, shared by pages, API, commands and the dispatcher."""

from __future__ import annotations

from monitors.models import Monitor


def monitor_by_id_or_name(key: str) -> Monitor | None:
    monitors = Monitor.objects.select_related("target", "log_source")
    if str(key).isdigit():
        found = monitors.filter(pk=int(key)).first()
        if found:
            return found
    return monitors.filter(name=key).first()
