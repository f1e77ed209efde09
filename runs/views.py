"""Pages: the dashboard, a monitor with its history, "run now", silences and secrets, and one run's report.

Thin: selectors read, ``runs.pipeline.run_monitor`` runs (the same call as
the API's run-once and ``manage.py runmonitor``).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from monitors.forms import DashboardFilterForm
from monitors.models import Monitor
from monitors.templatetags.ui import status_label
from monitors.views import is_fetch, staff_required
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from notifications.forms import SilenceForm
from runs import selectors
from runs.digest import digest_preview
from runs.llm import provider_name_for
from runs.models import MonitorRun
from runs.pipeline import run_monitor
from runs.services import RunInProgress

DASHBOARD_REFRESH_SECONDS = 20
RUNS_PER_PAGE = 25
USAGE_DAYS = 30


@staff_required
def dashboard(request):
    """Every monitor, worst first; app.js re-fetches the list part every few seconds."""
    filters = DashboardFilterForm(request.GET or None, label_suffix="")
    wanted = filters.cleaned_data if filters.is_valid() else {}
    target = wanted.get("target")
    monitors = selectors.dashboard_monitors(status=wanted.get("status", ""), target_id=target.pk if target else None, search=wanted.get("q", ""))
    counts = selectors.state_counts()
    context = {
        "monitors": monitors,
        "counts": counts,
        "status_links": [(value, counts[value]) for value in ("alert", "error", "warn", "ok")],
        "filters": filters,
        "filtered": any(wanted.values()),
        "status": wanted.get("status", ""),
        "refresh_seconds": DASHBOARD_REFRESH_SECONDS,
        "now": timezone.now(),
    }
    return render(request, "runs/includes/dashboard_body.html" if is_fetch(request) else "runs/dashboard.html", context)


@staff_required
def monitor_detail(request, pk):
    monitor = get_object_or_404(Monitor.objects.select_related("target", "log_source"), pk=pk)
    status = request.GET.get("status", "")
    page = Paginator(selectors.monitor_runs(monitor, status=status), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    usage = selectors.usage_by_day(monitor, days=USAGE_DAYS)
    return render(request, "runs/monitor_detail.html", {
        "monitor": monitor,
        "inputs": monitor.inputs or [],
        "window": monitor.window_config or {},
        "notification": monitor.notification_config or {},
        "remediation": monitor.remediation_config or {},
        "redaction": monitor.redaction,
        "severity_rules": monitor.severity_rules or [],
        "usage": usage,
        "usage_totals": selectors.usage_totals(usage),
        "usage_days": USAGE_DAYS,
        "provider": provider_name_for(monitor),
        "page": page,
        "status": status,
        "status_choices": [*MonitorRun.Status.choices, ("running", "Running")],
        "timeline": selectors.status_timeline(monitor),
        "running": selectors.monitor_runs(monitor, status="running").first(),
        "alert_state": notification_selectors.alert_state_of(monitor),
        "silence_form": SilenceForm(auto_id="silence_%s"),
    })


@staff_required
@require_POST
def monitor_run_now(request, pk):
    """Run the monitor in this request, then show its report."""
    monitor = get_object_or_404(Monitor.objects.select_related("target", "log_source"), pk=pk)
    try:
        run = run_monitor(monitor, trigger=MonitorRun.Trigger.MANUAL)
    except RunInProgress as exc:
        messages.warning(request, f"{exc} Wait for it to finish, then look at its report.")
        return redirect("runs:monitor", pk=pk)
    messages.success(request, f"Run finished: {status_label(run.status)}.")
    return redirect("runs:run", pk=run.pk)


@staff_required
@require_POST
def monitor_preview(request, pk):
    """Collect every input now and show exactly the text the LLM would get (no LLM call, no run, no cursor moved)."""
    monitor = get_object_or_404(Monitor.objects.select_related("target", "log_source"), pk=pk)
    seen = digest_preview(monitor)
    return render(request, "monitors/monitor_preview.html", {
        "monitor": monitor, "collection": seen.collection, "digest": seen, "provider": provider_name_for(monitor),
    })


@staff_required
@require_POST
def monitor_silence(request, pk):
    """Send nothing for the monitor for a while (1 h, 4 h, 24 h or until a time)."""
    monitor = get_object_or_404(Monitor, pk=pk)
    form = SilenceForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(f"{form[name].label if name in form.fields else name}: {' '.join(errors)}" for name, errors in form.errors.items())
        messages.error(request, f"Not silenced. {problems}")
        return redirect("runs:monitor", pk=pk)
    state = notification_services.monitor_silence(monitor, until=form.silenced_until(), reason=form.cleaned_data["reason"])
    until = timezone.localtime(state.silenced_until).strftime("%Y-%m-%d %H:%M")
    messages.success(request, f"'{monitor}' is silenced until {until}: nothing is sent until then.")
    return redirect("runs:monitor", pk=pk)


@staff_required
@require_POST
def monitor_unsilence(request, pk):
    monitor = get_object_or_404(Monitor, pk=pk)
    notification_services.monitor_unsilence(monitor)
    messages.success(request, f"'{monitor}' is no longer silenced; a problem still going is told at the next run.")
    return redirect("runs:monitor", pk=pk)


@staff_required
@require_POST
@never_cache  # nor in the browser's cache: Back must not show the secret again
def monitor_webhook_secret(request, pk):
    """Generate a new signing secret and show it in this answer only: it is not put in a message, the session or a log."""
    monitor = get_object_or_404(Monitor, pk=pk)
    secret = notification_services.webhook_secret_rotate(monitor)
    return render(request, "runs/webhook_secret.html", {"monitor": monitor, "secret": secret})


def _pretty(text: str) -> str:
    """Stored LLM traffic, indented when it is JSON (it is shown escaped either way)."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (TypeError, ValueError):
        return text


@staff_required
def run_detail(request, pk):
    run = selectors.run_for_report(pk)
    if run is None:
        raise Http404("No such run.")
    preamble, sections = run.log_sections()
    return render(request, "runs/run_detail.html", {
        "run": run,
        "monitor": run.monitor,
        "sections": sections,
        "preamble": preamble,  # a window marker, or text whose header the window cut
        "llm_request": _pretty(run.llm_request),
        "llm_response": _pretty(run.llm_response),
        "deliveries": run.deliveries.all(),
    })
