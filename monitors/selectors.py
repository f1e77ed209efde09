"""Reads of monitors, shared by pages, API, commands and the dispatcher."""

from __future__ import annotations

from django.db.models import Q, Value

from monitors.collectors import Collection, collect
from monitors.models import InputCursor, Monitor


def monitor_by_id_or_name(key: str) -> Monitor | None:
    """The monitor a command-line argument names: by id when it is all digits and such a monitor exists, else by name; or None."""
    monitors = Monitor.objects.select_related("target", "log_source")
    if str(key).isdigit():
        found = monitors.filter(pk=int(key)).first()
        if found:
            return found
    return monitors.filter(name=key).first()


# "enabled = true" as an equality the index can seek on; Django writes a bare
# boolean column ("WHERE enabled"), which SQLite cannot match to an index.
ENABLED = Q(enabled__exact=Value(True))


def monitors_due(*, now, limit: int) -> list[tuple[int, int]]:
    """(id, interval_seconds) of enabled monitors due at ``now``, most overdue first.

    One range scan of ``monitor_due_idx`` (enabled, next_run_at), in index
    order: the cost follows the number due, not the number of monitors.
    """
    due = Monitor.objects.filter(ENABLED, next_run_at__lte=now).order_by("next_run_at")
    return list(due.values_list("id", "interval_seconds")[:limit])


def monitors_unscheduled():
    """Enabled monitors without a next_run_at (saved without the services); an index seek."""
    return Monitor.objects.filter(ENABLED, next_run_at__isnull=True)


def input_cursors(monitor: Monitor) -> dict[str, dict]:
    """The monitor's stored cursors by input label (empty before its first answered run)."""
    return dict(InputCursor.objects.filter(monitor=monitor).values_list("label", "position"))


def monitor_collect(monitor: Monitor) -> Collection:
    """What the monitor's next run reads and sends: its inputs, read from its cursors unless incremental reading is off.

    Moves no cursor, so a preview (page, API, ``runmonitor --collect-only``)
    shows what the next run would send and changes nothing.
    """
    window = monitor.window
    return collect(monitor.input_specs, window, cursors=input_cursors(monitor) if window.incremental else None)
