"""The only writers of a run's status, and history retention."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from monitors.models import Monitor
from runs.cost import estimate_cost
from runs.digest import Digest
from runs.floor import Floor, apply_floor
from runs.llm import Analysis
from runs.models import MonitorRun

STATUS_FOR_VERDICT = {"HEALTHY": MonitorRun.Status.OK, "WARNING": MonitorRun.Status.WARN, "CRITICAL": MonitorRun.Status.ALERT}


class RunInProgress(Exception):
    """The monitor already has a run going; runs of one monitor never overlap."""


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... stored copy truncated: {len(text) - limit} more characters ...]"


def run_start(monitor: Monitor, *, trigger: str = MonitorRun.Trigger.SCHEDULE) -> MonitorRun:
    """Create the running row; the partial unique index refuses a second running run."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return MonitorRun.objects.create(
                monitor=monitor,
                trigger=trigger,
                started_at=now,
                lease_expires_at=now + timedelta(seconds=settings.RUN_LEASE_SECONDS),
            )
    except IntegrityError:
        raise RunInProgress(f"Monitor '{monitor}' already has a run in progress.") from None


def _finish(run: MonitorRun, *, status: str, digest: Digest | None, **fields) -> MonitorRun:
    now = timezone.now()
    run.status = status
    run.finished_at = now
    run.lease_expires_at = None
    run.duration_ms = int((now - run.started_at).total_seconds() * 1000)
    if digest is not None:  # only ever the redacted text is stored
        run.logs_text = _clip(digest.stored_text, settings.STORED_LOGS_MAX_CHARS)
        run.sections = [section.as_dict() for section in digest.collection.sections]
        run.redactions = digest.redactions
        run.compression = digest.compression.as_dict()
        run.floor = digest.floor.as_dict()
    for name, value in fields.items():
        setattr(run, name, value)
    run.llm_request = _clip(run.llm_request, settings.STORED_LLM_MAX_CHARS)
    run.llm_response = _clip(run.llm_response, settings.STORED_LLM_MAX_CHARS)
    with transaction.atomic():
        run.save()
        _record_state(run)
    prune_history(run.monitor_id)
    return run


def _record_state(run: MonitorRun) -> None:
    monitor = run.monitor
    changes = {"last_run_at": run.finished_at, "state": run.status}
    if monitor.state != run.status:
        changes["state_since"] = run.finished_at
    if run.trigger != MonitorRun.Trigger.SCHEDULE and monitor.enabled:
        # A run by hand counts as this slot: the next scheduled one is a full interval later.
        changes["next_run_at"] = run.finished_at + timedelta(seconds=monitor.interval_seconds)
    Monitor.objects.filter(pk=monitor.pk).update(**changes)
    for name, value in changes.items():
        setattr(monitor, name, value)


FLOOR_SUMMARY = "Severity floor {status} ({label}); the LLM said {llm_status}: {summary}"
FLOOR_REPORT = "Severity floor: {status} ({reasons}). The LLM said {llm_status}; the logs allow no less.\n\n{report}"


def _floor_reasons(floor: Floor) -> str:
    """Which rules raised the status, on how many lines, with the newest matching line of each."""
    return "; ".join(
        f"{m.label}: {m.count} line{'s' if m.count != 1 else ''}, e.g. {m.samples[-1]!r}"
        for m in floor.matches if m.min_status == floor.status
    )


def run_finish(run: MonitorRun, digest: Digest, analysis: Analysis, *, provider: str) -> MonitorRun:
    """Record the provider's verdict, never below the severity floor: HEALTHY/WARNING/CRITICAL map to ok/warn/alert.

    ``llm_status`` keeps what the LLM said; when the floor is higher it wins,
    ``floor_won`` is set and the summary and report say which rule and which lines.
    """
    verdict = analysis.verdict
    status, floor_won = apply_floor(verdict.status, digest.floor)
    summary, report = verdict.summary, verdict.report
    if floor_won:
        facts = {"status": status, "llm_status": verdict.status, "label": digest.floor.matches[0].label}
        summary = FLOOR_SUMMARY.format(**facts, summary=summary)
        report = FLOOR_REPORT.format(**facts, reasons=_floor_reasons(digest.floor), report=report)
    return _finish(
        run,
        status=STATUS_FOR_VERDICT[status],
        digest=digest,
        llm_status=verdict.status,
        floor_won=floor_won,
        summary=summary,
        report=report,
        recommendations=list(verdict.recommendations),
        llm_provider=provider,
        llm_model=analysis.model,
        llm_request=analysis.request,
        llm_response=analysis.response,
        prompt_tokens=analysis.prompt_tokens,
        completion_tokens=analysis.completion_tokens,
        cost_usd=estimate_cost(analysis.model, analysis.prompt_tokens, analysis.completion_tokens),
    )


SKIPPED_SUMMARY = "No new log lines since the last run; LLM not called."
SKIPPED_REPORT = (
    "Nothing new arrived on any input since the last run (window_config.skip_when_unchanged), "
    "so the LLM was not asked. The status is kept from run #{run_id} ({when:%Y-%m-%d %H:%M:%S %Z}): {summary}"
)


def run_skip(run: MonitorRun, digest: Digest, *, previous: MonitorRun) -> MonitorRun:
    """Nothing new arrived: keep ``previous``'s status without asking the LLM, marked ``llm_skipped``."""
    return _finish(
        run,
        status=previous.status,
        digest=digest,
        llm_skipped=True,
        summary=SKIPPED_SUMMARY,
        report=SKIPPED_REPORT.format(run_id=previous.pk, when=previous.started_at, summary=previous.summary),
    )


def run_fail(
    run: MonitorRun, error: str, *, digest: Digest | None = None, provider: str = "", request: str = "", response: str = ""
) -> MonitorRun:
    """End the run as ``error``, keeping whatever was collected (redacted) and what the provider said."""
    return _finish(
        run,
        status=MonitorRun.Status.ERROR,
        digest=digest,
        error=error,
        summary=error.splitlines()[0][:500] if error else "",
        llm_provider=provider,
        llm_request=request,
        llm_response=response,
    )


def prune_history(monitor_id: int) -> int:
    """Delete finished runs beyond MAX_RUN_HISTORY_PER_MONITOR (newest kept)."""
    keep = settings.MAX_RUN_HISTORY_PER_MONITOR
    cutoff = (
        MonitorRun.objects.filter(monitor_id=monitor_id, finished_at__isnull=False)
        .order_by("-started_at", "-id")
        .values_list("started_at", "id")[keep : keep + 1]
    )
    if not cutoff:
        return 0
    started_at, run_id = cutoff[0]
    old = MonitorRun.objects.filter(monitor_id=monitor_id, finished_at__isnull=False, started_at__lte=started_at).exclude(
        started_at=started_at, id__gt=run_id
    )
    deleted, _ = old.delete()
    return deleted


LEASE_EXPIRED_ERROR = (
    "Worker died or lease expired: the run was still going when its lease ran out at {lease:%Y-%m-%d %H:%M:%S %Z} "
    "(RUN_LEASE_SECONDS={seconds}); the worker process was probably killed or its machine lost. "
    "The monitor runs again at its next slot."
)


def run_reap_expired(*, now=None, limit: int = 100) -> int:
    """Fail running runs whose lease expired (their worker died); return how many were reaped.

    A run's lease outlives the task timeout, so a live worker has always
    finished or been killed by django-q2 before its lease runs out. Each run
    is claimed by compare-and-set on its lease, so concurrent reapers (one per
    dispatcher) end it once; a late worker that does finish still overwrites
    the error with its real verdict.
    """
    now = now or timezone.now()
    expired = MonitorRun.objects.select_related("monitor").filter(finished_at__isnull=True, lease_expires_at__lt=now)
    reaped = 0
    for run in expired.order_by("lease_expires_at")[:limit]:
        with transaction.atomic():
            claimed = MonitorRun.objects.filter(
                pk=run.pk, finished_at__isnull=True, lease_expires_at=run.lease_expires_at
            ).update(lease_expires_at=None)
            if not claimed:
                continue
            run_fail(run, LEASE_EXPIRED_ERROR.format(lease=run.lease_expires_at, seconds=settings.RUN_LEASE_SECONDS))
        reaped += 1
    return reaped
