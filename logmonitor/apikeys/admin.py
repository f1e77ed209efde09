"""API keys in the admin: the library's admin shows a new key once, on creation."""

from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from logmonitor.apikeys.models import UserAPIKey

# The library's own key model has no user; only per-user keys are accepted here.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(UserAPIKey)
class UserAPIKeyAdmin(APIKeyModelAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "user", "last_used_at")
    list_filter = ("revoked", "created")
    search_fields = (*APIKeyModelAdmin.search_fields, "user__username")
    autocomplete_fields = ("user",)
    readonly_fields = ("last_used_at",)

    def get_readonly_fields(self, request, obj=None):
        fields = (*super().get_readonly_fields(request, obj), "last_used_at")
        return (*fields, "user") if obj is not None else fields
