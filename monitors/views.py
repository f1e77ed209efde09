"""Pages for targets, log sources and editing monitors (under /app/).

Thin: forms shape input, ``monitors.services`` write, selectors read. The
monitor page, the dashboard, "run now" and the collect preview live in ``runs.views`` because
they need runs, and ``monitors`` never imports ``runs``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from monitors import services
from monitors.forms import LogSourceForm, MonitorForm, TargetForm
from monitors.models import LogSource, Monitor, Target


def staff_required(view):
    """Every page: log in first (redirect), then staff only (403)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied("Only staff may use logmonitor.")
        return view(request, *args, **kwargs)

    return wrapper


def is_fetch(request) -> bool:
    """A request from app.js (auto-refresh, test button) wants a fragment, not a page."""
    return request.headers.get("X-Requested-With") == "fetch"


def next_url(request, default: str) -> str:
    """The ``next`` parameter when it points into this site, else ``default``."""
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return default


def _form_page(request, form, *, save, template, context, success):
    """Validate, call the service, map its errors back, or redirect to ``success(obj)`` (or ``next``)."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Saved {obj._meta.verbose_name} '{obj}'.")
            return redirect(next_url(request, success(obj)))
    # Reaching here after a POST means the form (or the service) refused it.
    return render(request, template, {"form": form, **context}, status=400 if request.method == "POST" else 200)


def _object_form_context(obj, noun: str, list_name: str, list_url: str, delete_url: str) -> dict:
    return {
        "heading": f"Edit {noun} {obj}" if obj else f"New {noun}",
        "list_name": list_name,
        "list_url": reverse(list_url),
        "delete_url": reverse(delete_url, args=[obj.pk]) if obj else "",
    }


# --- Targets ----------------------------------------------------------------


@staff_required
def target_list(request):
    targets = Target.objects.annotate(monitor_count=Count("monitors", distinct=True), source_count=Count("log_sources", distinct=True))
    return render(request, "monitors/target_list.html", {"targets": targets})


@staff_required
def target_edit(request, pk=None):
    target = get_object_or_404(Target, pk=pk) if pk else None
    form = TargetForm(request.POST or None, initial=TargetForm.initial_for(target) if target else None)

    def save(form):
        if target:
            return services.target_update(target, **form.cleaned_data)
        return services.target_create(**form.cleaned_data)

    return _form_page(
        request, form, save=save, template="monitors/object_form.html",
        context=_object_form_context(target, "target", "Targets", "monitors:target-list", "monitors:target-delete"),
        success=lambda obj: reverse("monitors:target-list"),
    )


# --- Log sources ------------------------------------------------------------


@staff_required
def log_source_list(request):
    sources = LogSource.objects.select_related("target").annotate(monitor_count=Count("monitors"))
    return render(request, "monitors/log_source_list.html", {"sources": sources})


@staff_required
def log_source_edit(request, pk=None):
    source = get_object_or_404(LogSource, pk=pk) if pk else None
    form = LogSourceForm(request.POST or None, initial=LogSourceForm.initial_for(source) if source else None)

    def save(form):
        if source:
            return services.log_source_update(source, **form.source_fields())
        return services.log_source_create(**form.source_fields())

    return _form_page(
        request, form, save=save, template="monitors/object_form.html",
        context=_object_form_context(source, "log source", "Log sources", "monitors:log-source-list", "monitors:log-source-delete"),
        success=lambda obj: reverse("monitors:log-source-list"),
    )


@staff_required
@require_POST
def log_source_test(request, pk):
    """Read a sample from the source now; a fragment for the test button, a page otherwise."""
    source = get_object_or_404(LogSource, pk=pk)
    sample = services.log_source_sample(source)
    template = "monitors/includes/sample.html" if is_fetch(request) else "monitors/log_source_test.html"
    return render(request, template, {"source": source, "section": sample})


# --- Monitors ---------------------------------------------------------------


@staff_required
def monitor_edit(request, pk=None):
    monitor = get_object_or_404(Monitor.objects.select_related("target", "log_source"), pk=pk) if pk else None
    form = MonitorForm(request.POST or None, monitor=monitor, user=request.user)

    def save(form):
        fields = form.monitor_fields()
        return services.monitor_update(monitor, **fields) if monitor else services.monitor_create(**fields)

    return _form_page(
        request, form, save=save, template="monitors/monitor_form.html",
        context={"monitor": monitor, "targets_exist": Target.objects.exists()},
        success=lambda obj: reverse("runs:monitor", args=[obj.pk]),
    )


@staff_required
@require_POST
def monitor_enabled(request, pk):
    monitor = get_object_or_404(Monitor, pk=pk)
    enabled = request.POST.get("enabled") == "1"
    services.monitor_set_enabled(monitor, enabled)
    messages.success(request, f"Monitor '{monitor}' {'enabled: it runs at the next tick' if enabled else 'disabled: it is off the schedule'}.")
    return redirect(next_url(request, reverse("runs:monitor", args=[pk])))


DELETABLE = {"target": (Target, "monitors:target-list"), "log-source": (LogSource, "monitors:log-source-list"), "monitor": (Monitor, "runs:dashboard")}


@staff_required
def object_delete(request, kind, pk):
    """Confirm, then delete through the service; refused while something still uses it."""
    model, list_url = DELETABLE[kind]
    obj = get_object_or_404(model, pk=pk)
    if request.method == "POST":
        try:
            services.delete(obj)
        except services.InUseError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Deleted {model._meta.verbose_name} '{obj}'.")
            return redirect(list_url)
    return render(request, "monitors/confirm_delete.html", {"object": obj, "kind": model._meta.verbose_name, "cancel_url": next_url(request, reverse(list_url))})
