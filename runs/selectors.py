"""Reads of runs and of monitors with their runs, shared by pages, API and admin."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, CharField, Count, Exists, F, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from monitors.models import Monitor
from runs.models import MonitorRun

# Worst first: what an on-call engineer must see before anything else.
SEVERITY = {"alert": 0, "error": 1, "warn": 2, "": 3, "ok": 4}
UNHEALTHY = ("alert", "error", "warn")

# Columns a list of runs needs; the big text columns (logs, LLM request and
# response) stay in the database until someone opens one report.
RUN_LIST_FIELDS = (
    "id", "monitor_id", "trigger", "status", "llm_status", "llm_skipped", "summary", "error", "started_at", "finished_at", "duration_ms",
    "floor_won", "prompt_tokens", "completion_tokens", "cost_usd",
)

DASHBOARD_FILTERS = {
    "unhealthy": Q(enabled=True, state__in=UNHEALTHY),
    "alert": Q(state="alert"),
    "error": Q(state="error"),
    "warn": Q(state="warn"),
    "ok": Q(state="ok"),
    "new": Q(state=""),
    "disabled": Q(enabled=False),
}


def recent_runs_prefetch(limit: int) -> Prefetch:
    """The newest ``limit`` runs of each monitor, as ``monitor.recent_runs``, in one query."""
    runs = MonitorRun.objects.only(*RUN_LIST_FIELDS).order_by("-started_at", "-id")[:limit]
    return Prefetch("runs", queryset=runs, to_attr="recent_runs")


def dashboard_monitors(*, status: str = "", target_id: int | None = None, search: str = "", strip: int = 20) -> list[Monitor]:
    """Every monitor matching the filters, worst first, each with ``recent_runs`` (newest first)
    and ``last_finished_run`` (the one whose summary says why it is in its state).

    A constant number of queries whatever the number of monitors.
    """
    monitors = Monitor.objects.select_related("target").defer("prompt", "llm_provider_metadata")
    if status in DASHBOARD_FILTERS:
        monitors = monitors.filter(DASHBOARD_FILTERS[status])
    if target_id:
        monitors = monitors.filter(target_id=target_id)
    if search:
        monitors = monitors.filter(name__icontains=search)
    severity = Case(*(When(state=state, then=Value(rank)) for state, rank in SEVERITY.items()), output_field=IntegerField())
    monitors = list(monitors.annotate(severity=severity).order_by("-enabled", "severity", "name").prefetch_related(recent_runs_prefetch(strip)))
    for monitor in monitors:
        monitor.last_finished_run = next((run for run in monitor.recent_runs if run.finished_at), None)
    return monitors


def state_counts() -> dict[str, int]:
    """How many monitors are in each dashboard filter, in one query."""
    return Monitor.objects.aggregate(
        total=Count("id"), **{name: Count("id", filter=condition) for name, condition in DASHBOARD_FILTERS.items()}
    )


def monitor_runs(monitor: Monitor, *, status: str = "") -> QuerySet[MonitorRun]:
    """A monitor's runs, newest first, optionally of one status, without the big text columns."""
    runs = MonitorRun.objects.filter(monitor=monitor).only(*RUN_LIST_FIELDS)
    if status in MonitorRun.Status.values:
        runs = runs.filter(status=status)
    elif status == "running":
        runs = runs.filter(finished_at__isnull=True)
    return runs.order_by("-started_at", "-id")


def status_timeline(monitor: Monitor, *, limit: int = 120) -> list[MonitorRun]:
    """The newest ``limit`` finished runs of a monitor, oldest first, for a chart."""
    runs = MonitorRun.objects.filter(monitor=monitor, finished_at__isnull=False).only("id", "status", "started_at", "summary")
    return list(runs.order_by("-started_at", "-id")[:limit])[::-1]


def run_for_report(run_id: int) -> MonitorRun | None:
    """One run with its monitor, target and every delivery, for the report page."""
    return (
        MonitorRun.objects.select_related("monitor__target")
        .prefetch_related("deliveries")
        .filter(pk=run_id)
        .first()
    )


def run_history(monitor: Monitor, *, status: str = "", since=None, until=None) -> QuerySet[MonitorRun]:
    """``monitor_runs`` limited to runs started in [since, until) when given."""
    runs = monitor_runs(monitor, status=status)
    if since is not None:
        runs = runs.filter(started_at__gte=since)
    if until is not None:
        runs = runs.filter(started_at__lt=until)
    return runs


def last_verdict_run(monitor: Monitor) -> MonitorRun | None:
    """The newest finished run that ended with a verdict (ok, warn or alert; a skipped run carries one too)."""
    verdicts = (MonitorRun.Status.OK, MonitorRun.Status.WARN, MonitorRun.Status.ALERT)
    return MonitorRun.objects.filter(monitor=monitor, status__in=verdicts).only(*RUN_LIST_FIELDS).order_by("-started_at", "-id").first()


def latest_run(monitor: Monitor) -> MonitorRun | None:
    """The newest run of a monitor, finished or not, with its deliveries."""
    return MonitorRun.objects.filter(monitor=monitor).prefetch_related("deliveries").order_by("-started_at", "-id").first()


def last_finished_at():
    """When any run, of any monitor, last finished (None before the first)."""
    return MonitorRun.objects.filter(finished_at__isnull=False).aggregate(last=Max("finished_at"))["last"]


def monitor_statuses() -> QuerySet[Monitor]:
    """Monitors with ``running``, ``last_run_id``, ``silenced_until`` and ``silence_reason`` annotated: one query for any number.

    The silence comes from the alert state through a LEFT JOIN (never its webhook secret) and only while it lasts:
    an ended silence reads as null / "".
    """
    runs = MonitorRun.objects.filter(monitor=OuterRef("pk"))
    silenced = Q(alert_state__silenced_until__gt=timezone.now())  # the app clock, as notifications.selectors.mute_reason uses
    return Monitor.objects.only(
        "id", "name", "enabled", "interval_seconds", "last_run_at", "state", "state_since", "next_run_at", "skipped_slots"
    ).annotate(
        running=Exists(runs.filter(finished_at__isnull=True)),
        last_run_id=Subquery(runs.order_by("-started_at", "-id").values("id")[:1]),
        silenced_until=Case(When(silenced, then=F("alert_state__silenced_until")), default=None),
        silence_reason=Case(When(silenced, then=F("alert_state__silence_reason")), default=Value(""), output_field=CharField()),
    )


def usage_by_day(monitor: Monitor, *, days: int = 30) -> list[dict]:
    """LLM use per day (in the current time zone) over the last ``days`` days, newest first, in one query.

    Each row: ``date``, ``runs``, ``llm_calls`` (runs that reported tokens),
    ``prompt_tokens``, ``completion_tokens``, ``cost_usd`` (None when no run
    that day had a priced model). Days without runs are absent.
    """
    since = timezone.localtime() - timedelta(days=days)
    start = since.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    rows = (
        MonitorRun.objects.filter(monitor=monitor, started_at__gte=start)
        .annotate(date=TruncDate("started_at"))
        .values("date")
        .annotate(
            runs=Count("id"),
            llm_calls=Count("id", filter=Q(prompt_tokens__isnull=False)),
            prompt_tokens=Sum("prompt_tokens"),
            completion_tokens=Sum("completion_tokens"),
            cost_usd=Sum("cost_usd"),
        )
        .order_by("-date")
    )
    return [{**row, "prompt_tokens": row["prompt_tokens"] or 0, "completion_tokens": row["completion_tokens"] or 0} for row in rows]


def usage_totals(by_day: list[dict]) -> dict:
    """The sums of ``usage_by_day`` rows (cost None when no day had one)."""
    costs = [row["cost_usd"] for row in by_day if row["cost_usd"] is not None]
    return {
        **{key: sum(row[key] for row in by_day) for key in ("runs", "llm_calls", "prompt_tokens", "completion_tokens")},
        "cost_usd": sum(costs) if costs else None,
    }
