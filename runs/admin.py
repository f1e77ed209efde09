from django.contrib import admin

from runs.models import MonitorRun


@admin.register(MonitorRun)
class MonitorRunAdmin(admin.ModelAdmin):
    list_display = ["id", "monitor", "status", "llm_status", "started_at", "duration_ms"]
    list_filter = ["status", "trigger"]
    search_fields = ["monitor__name", "summary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
