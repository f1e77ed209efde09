"""One run of one monitor, start to finish: ``run_monitor``.

Collect the inputs; redact, floor and compress them (runs/digest.py); ask the
provider with the logs fenced as data; record the verdict, never below the
severity floor; then tell the remediation agent and people. No transaction is held open while commands
run or the LLM thinks; each step's failure is recorded on the run (or on a
Delivery) and never leaves the run unfinished. File and docker inputs are
read from where the last answered run stopped, and those cursors move only
once this run's verdict is stored.
"""

from __future__ import annotations

import logging

from monitors.models import Monitor
from monitors.selectors import monitor_collect
from monitors.services import cursors_advance
from notifications import services as notifications
from runs import selectors, services
from runs.digest import digest
from runs.llm import AnalysisRequest, ProviderError, get_provider, provider_name_for
from runs.models import MonitorRun

logger = logging.getLogger(__name__)


def run_monitor(monitor: Monitor, *, trigger: str = MonitorRun.Trigger.SCHEDULE) -> MonitorRun:
    """Run ``monitor`` now and return the finished run. Raises RunInProgress if one is going."""
    run = services.run_start(monitor, trigger=trigger)
    provider_name = provider_name_for(monitor)
    seen = None  # the redacted digest: nothing unredacted is ever stored or sent
    try:
        collection = monitor_collect(monitor)
        seen = digest(monitor, collection, provider_name=provider_name)
        if collection.failed:
            errors = "; ".join(f"[{s.label}] {s.error}" for s in collection.sections)
            services.run_fail(run, f"Collection failed: {errors}", digest=seen, provider=provider_name)
        elif monitor.window.skip_when_unchanged and collection.unchanged and (previous := selectors.last_verdict_run(monitor)):
            services.run_skip(run, seen, previous=previous)
        else:
            request = AnalysisRequest(
                prompt=monitor.prompt,
                logs_text=seen.llm_text,
                monitor_name=monitor.name,
                metadata=monitor.llm_provider_metadata,
            )
            analysis = get_provider(provider_name).analyze(request)
            services.run_finish(run, seen, analysis, provider=provider_name)  # applies the severity floor
        if run.status != MonitorRun.Status.ERROR:
            # Only now, with the verdict stored: an LLM outage re-reads the same lines next time.
            cursors_advance(monitor, sections=collection.sections)
    except ProviderError as exc:
        services.run_fail(
            run, f"LLM provider '{provider_name}' failed: {exc}", digest=seen,
            provider=provider_name, request=exc.request, response=exc.raw_response,
        )
    except Exception as exc:  # never leave a run "running" because of a bug
        logger.exception("run %s of monitor %s crashed", run.pk, monitor.pk)
        if run.is_running:  # a crash after the verdict was stored must not rewrite it
            services.run_fail(run, f"Unexpected error: {exc!r}", digest=seen, provider=provider_name)

    if not run.llm_skipped:  # nothing new was read, so there is nothing new to tell
        notifications.tell(monitor, run)  # remediation first, then people
    return run
