"""Admin for the delivery log, alert states (silence, secret rotation) and maintenance windows.

The webhook secret is never displayed: only whether one exists. The
"Generate a new webhook secret" action shows the new one once, in the
confirmation message.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from notifications import services
from notifications.models import AlertState, Delivery, MaintenanceWindow


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "event", "recipient", "outcome", "attempt", "response_code", "monitor", "run_report", "error_short"]
    list_filter = ["channel", "outcome", "event"]
    search_fields = ["recipient", "monitor__name", "message_id", "error"]
    exclude = ["payload"]
    list_select_related = ["monitor", "run"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="run", ordering="run_id")
    def run_report(self, obj):
        if not obj.run_id:
            return "–"
        return format_html('<a href="{}">report of run {}</a>', reverse("runs:run", args=[obj.run_id]), obj.run_id)

    @admin.display(description="error")
    def error_short(self, obj):
        return obj.error[:100] + ("…" if len(obj.error) > 100 else "")


@admin.register(AlertState)
class AlertStateAdmin(admin.ModelAdmin):
    list_display = ["monitor", "health", "notified", "error_streak", "silenced_until", "has_secret", "updated_at"]
    list_filter = ["health"]
    search_fields = ["monitor__name"]
    fields = [
        "monitor", "health", "health_since", "notified", "notified_at", "bad_streak", "good_streak", "error_streak",
        "blind_notified", "muted_pending", "silenced_until", "silence_reason", "open_incident_id", "has_secret", "webhook_secret_created_at",
    ]
    readonly_fields = [f for f in fields if f not in ("silenced_until", "silence_reason")]
    actions = ["rotate_webhook_secret"]

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True, description="webhook secret")
    def has_secret(self, obj):
        return obj.has_webhook_secret

    @admin.action(description="Generate a new webhook secret (shown once)")
    def rotate_webhook_secret(self, request, queryset):
        for state in queryset.select_related("monitor"):
            secret = services.webhook_secret_rotate(state.monitor)
            self.message_user(request, f"New webhook secret for '{state.monitor}' (copy it now, it is not shown again): {secret}", messages.WARNING)


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(admin.ModelAdmin):
    list_display = ["name", "monitor", "kind", "starts_at", "ends_at", "weekdays", "start_time", "duration_minutes", "timezone"]
    list_filter = ["kind"]
    search_fields = ["name", "monitor__name"]
