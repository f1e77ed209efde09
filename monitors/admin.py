from django.contrib import admin

from monitors.models import LogSource, Monitor, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "host"]
    search_fields = ["name", "host"]


@admin.register(LogSource)
class LogSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "driver", "target"]
    list_filter = ["driver"]
    search_fields = ["name"]


@admin.register(Monitor)
class MonitorAdmin(admin.ModelAdmin):
    list_display = ["name", "target", "enabled", "state", "interval_seconds", "last_run_at", "next_run_at"]
    list_filter = ["enabled", "state", "target"]
    search_fields = ["name", "prompt"]
