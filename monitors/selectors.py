"""Reads of monitors, shared by pages, API, commands and the dispatcher."""

from __future__ import annotations

from django.db.models import Q

from monitors.models import Monitor


def monitor_by_id_or_name(key: str) -> Monitor | None:
    monitors = Monitor.objects.select_related("target", "log_source")
    if str(key).isdigit():
        found = monitors.filter(pk=int(key)).first()
        if found:
            return found
    return monitors.filter(name=key).first()


def monitors_due(*, now, limit: int) -> list[tuple[int, int]]:
    """(id, interval_seconds) of enabled monitors due at ``now``, most overdue first.

    Served by ``monitor_due_idx`` (enabled, next_run_at), so the cost follows
    the number due, not the number of monitors. An enabled monitor without a
    ``next_run_at`` (saved without the services) counts as due.
    """
    due = Monitor.objects.filter(enabled=True).filter(Q(next_run_at__lte=now) | Q(next_run_at__isnull=True))
    return list(due.order_by("next_run_at").values_list("id", "interval_seconds")[:limit])
