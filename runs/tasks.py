"""django-q2 entry points. Thin: fetch by id, call the pipeline or the dispatcher."""

from __future__ import annotations

from django.conf import settings

from monitors.models import Monitor
from runs import scheduling
from runs.pipeline import run_monitor
from runs.services import RunInProgress


def run_monitor_task(monitor_id: int) -> str:
    """Run one claimed slot. A monitor deleted or disabled since the claim is left alone."""
    monitor = Monitor.objects.select_related("target", "log_source").filter(pk=monitor_id, enabled=True).first()
    if monitor is None:
        return f"monitor {monitor_id}: gone or disabled, not run"
    try:
        run = run_monitor(monitor)
    except RunInProgress:
        # A manual run (or a late task) got there first: no overlap, count the slot as skipped.
        scheduling.slot_skipped(monitor_id)
        return f"monitor {monitor_id}: previous run still going, slot skipped"
    return f"monitor {monitor_id}: run {run.pk} {run.status}"


def dispatcher_tick() -> str:
    """The minute Schedule's fallback tick (the loop process gives sub-minute precision)."""
    if not settings.SCHEDULER_ENABLED:
        return "scheduler disabled (SCHEDULER_ENABLED=false)"
    return str(scheduling.tick(name=scheduling.dispatcher_name("schedule")))
