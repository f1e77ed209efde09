"""Admin for targets, log sources and monitors: readable JSON, writes through the services.

"Run now" lives in runs/admin.py, which extends MonitorAdmin (``monitors``
never imports ``runs``).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from monitors import schemas, services
from monitors.models import LogSource, Monitor, Target
from monitors.templatetags.ui import status_badge

BADGE_MEDIA = forms.Media(css={"all": ["css/badges.css"]})


class PrettyJSONField(forms.JSONField):
    """JSON shown indented, so a nested config reads like a config."""

    def prepare_value(self, value):
        if isinstance(value, str):  # a bound value being redisplayed: keep what was typed
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


PRETTY_JSON = {models.JSONField: {"form_class": PrettyJSONField, "widget": forms.Textarea(attrs={"rows": 8, "cols": 80, "style": "font-family: monospace"})}}


class ServiceSaveAdmin(admin.ModelAdmin):
    """Saves and deletes through ``monitors.services`` (validation via Model.clean, protected deletes)."""

    formfield_overrides = PRETTY_JSON
    create_service = update_service = None

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name in {f.name for f in obj._meta.fields}}
        if change:
            saved = type(self).update_service(self.model.objects.get(pk=obj.pk), **fields)
        else:
            saved = type(self).create_service(**fields)
        obj.pk, obj._state.adding = saved.pk, False
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        try:
            services.delete(obj)
        except services.InUseError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Target)
class TargetAdmin(ServiceSaveAdmin):
    create_service, update_service = services.target_create, services.target_update
    list_display = ["name", "host", "monitor_count"]
    search_fields = ["name", "host", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(monitor_count=Count("monitors"))

    @admin.display(description="monitors", ordering="monitor_count")
    def monitor_count(self, obj):
        return obj.monitor_count


@admin.register(LogSource)
class LogSourceAdmin(ServiceSaveAdmin):
    create_service, update_service = services.log_source_create, services.log_source_update
    list_display = ["name", "driver", "reads", "target"]
    list_filter = ["driver", "target"]
    list_select_related = ["target"]
    search_fields = ["name", "config"]

    @admin.display(description="reads")
    def reads(self, obj):
        config = obj.config or {}
        return config.get("path") or config.get("container") or "–"


class CommandInputsGuard(forms.ModelForm):
    """The API's rule in the admin: adding or changing a command input needs the permission."""

    user = None  # set per request by MonitorAdmin.get_form

    def clean(self):
        data = super().clean()
        try:
            specs = schemas.parse("inputs", schemas.InputSpec, data.get("inputs"), many=True)
        except schemas.ConfigError:
            return data  # Model.clean reports it beside the field
        new_inputs = [spec.model_dump(exclude_none=True) for spec in specs]
        try:
            services.check_command_inputs(self.user, old_inputs=self.instance.inputs if self.instance.pk else [], new_inputs=new_inputs)
        except PermissionDenied as exc:
            self.add_error("inputs", str(exc))
        return data


@admin.register(Monitor)
class MonitorAdmin(ServiceSaveAdmin):
    create_service, update_service = services.monitor_create, services.monitor_update
    list_display = ["name", "status", "enabled", "target", "every", "last_run_at", "next_run_at", "page"]
    list_filter = ["enabled", "state", "target", "llm_provider"]
    list_select_related = ["target"]
    search_fields = ["name", "prompt", "target__name"]
    actions = ["enable", "disable"]
    readonly_fields = ["state", "state_since", "last_run_at", "next_run_at", "skipped_slots", "created_at", "updated_at", "page"]
    fieldsets = [
        (None, {"fields": ["name", "target", "enabled", "interval_seconds", "prompt"]}),
        ("What to read", {"fields": ["inputs", "log_source", "window_config"],
                          "description": 'inputs: a list like [{"label": "nginx", "mode": "command", "command": "tail -n 200 /var/log/nginx/error.log"}]'}),
        ("Who hears about it", {"fields": ["notification_config", "remediation_config"]}),
        ("LLM", {"fields": ["llm_provider", "llm_provider_metadata"]}),
        ("Redaction and severity floor", {"fields": ["redaction_config", "severity_rules"],
                                          "description": 'redaction_config: {"enabled": true, "extra_patterns": ["ACME-\\\\d{6}"]}; '
                                                         'severity_rules: [{"pattern": "upstream timed out", "min_status": "WARNING", "min_count": 5, "label": ""}]'}),
        ("State", {"fields": ["page", "state", "state_since", "last_run_at", "next_run_at", "skipped_slots", "created_at", "updated_at"]}),
    ]

    @property
    def media(self):
        return super().media + BADGE_MEDIA

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, form=CommandInputsGuard, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        # Enabling also schedules the monitor; on an existing one that is the enable/disable actions' job.
        return [*self.readonly_fields, "enabled"] if obj else self.readonly_fields

    def view_on_site(self, obj):
        return reverse("runs:monitor", args=[obj.pk])

    @admin.display(description="status", ordering="state")
    def status(self, obj):
        return status_badge(obj.state)

    @admin.display(description="interval", ordering="interval_seconds")
    def every(self, obj):
        return f"{obj.interval_seconds} s"

    @admin.display(description="page")
    def page(self, obj):
        if not obj.pk:
            return "–"
        return format_html(
            '<a href="{}">Open monitor page</a> · <a href="{}?monitor__id__exact={}">its runs</a>',
            reverse("runs:monitor", args=[obj.pk]), reverse("admin:runs_monitorrun_changelist"), obj.pk,
        )

    @admin.action(description="Enable selected monitors (due at once)", permissions=["change"])
    def enable(self, request, queryset):
        for monitor in queryset:
            services.monitor_set_enabled(monitor, True)
        self.message_user(request, f"Enabled {len(queryset)} monitor(s).", messages.SUCCESS)

    @admin.action(description="Disable selected monitors", permissions=["change"])
    def disable(self, request, queryset):
        for monitor in queryset:
            services.monitor_set_enabled(monitor, False)
        self.message_user(request, f"Disabled {len(queryset)} monitor(s).", messages.SUCCESS)
