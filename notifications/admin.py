from django.contrib import admin

from notifications.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "outcome", "attempt", "monitor", "run"]
    list_filter = ["channel", "outcome"]
    search_fields = ["recipient", "monitor__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
