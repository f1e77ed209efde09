"""Admin for runs (read-only, deliveries inline, a link to the report page) and "run now" on monitors."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from monitors.admin import BADGE_MEDIA, MonitorAdmin
from monitors.models import Monitor
from monitors.templatetags.ui import duration, status_badge
from notifications.models import Delivery
from runs.models import MonitorRun
from runs.pipeline import run_monitor
from runs.services import RunInProgress


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = ["created_at", "channel", "recipient", "outcome", "response_code", "attempt", "error"]
    readonly_fields = fields


@admin.register(MonitorRun)
class MonitorRunAdmin(admin.ModelAdmin):
    list_display = ["id", "monitor", "badge", "llm_status", "trigger", "started_at", "took", "summary_short", "report_page"]
    list_display_links = ["id"]
    list_filter = ["status", "trigger", "llm_provider", "monitor"]
    list_select_related = ["monitor"]
    search_fields = ["monitor__name", "summary", "error"]
    date_hierarchy = "started_at"
    inlines = [DeliveryInline]
    fieldsets = [
        (None, {"fields": ["report_page", "monitor", "status", "llm_status", "floor_won", "trigger", "summary", "error"]}),
        ("Timing and cost", {"fields": [
            "started_at", "finished_at", "duration_ms", "llm_provider", "llm_model", "prompt_tokens", "completion_tokens", "cost_usd",
        ]}),
        ("What the LLM read", {"fields": ["floor", "redactions", "compression"]}),
        ("Verdict", {"fields": ["report_text", "recommendations"]}),
        ("Collected and exchanged", {"classes": ["collapse"], "fields": ["sections", "logs_text", "llm_request", "llm_response"]}),
    ]
    readonly_fields = ["report_page", "report_text"]

    @property
    def media(self):
        return super().media + BADGE_MEDIA

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        # The list needs none of the big text columns.
        return qs.defer("logs_text", "llm_request", "llm_response") if request.resolver_match.url_name.endswith("changelist") else qs

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def view_on_site(self, obj):
        return reverse("runs:run", args=[obj.pk])

    @admin.display(description="status", ordering="status")
    def badge(self, obj):
        return status_badge(obj.display_status)

    @admin.display(description="duration", ordering="duration_ms")
    def took(self, obj):
        return duration(obj.duration_ms)

    @admin.display(description="summary")
    def summary_short(self, obj):
        return obj.summary[:120] + ("…" if len(obj.summary) > 120 else "")

    @admin.display(description="report page")
    def report_page(self, obj):
        return format_html('<a href="{}">Report</a>', self.view_on_site(obj))

    @admin.display(description="report")
    def report_text(self, obj):
        return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', obj.report)


class MonitorWithRunsAdmin(MonitorAdmin):
    """MonitorAdmin plus what needs ``runs``: the run-now action."""

    actions = ["run_now", *MonitorAdmin.actions]

    @admin.action(description="Run selected monitors now", permissions=["change"])
    def run_now(self, request, queryset):
        for monitor in queryset.select_related("target", "log_source"):
            try:
                run = run_monitor(monitor, trigger=MonitorRun.Trigger.MANUAL)
            except RunInProgress as exc:
                self.message_user(request, str(exc), messages.WARNING)
                continue
            self.message_user(
                request,
                format_html('{}: <a href="{}">{}</a> – {}', monitor, reverse("runs:run", args=[run.pk]), run.get_status_display(), run.summary[:200]),
                messages.SUCCESS if run.status == MonitorRun.Status.OK else messages.WARNING,
            )


admin.site.unregister(Monitor)
admin.site.register(Monitor, MonitorWithRunsAdmin)
