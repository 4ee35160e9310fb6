from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "urgent", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "urgent"]
    search_fields = ["recipient__username", "recipient__last_name"]
    readonly_fields = [
        "recipient",
        "kind",
        "params",
        "url",
        "urgent",
        "key",
        "created_at",
        "read_at",
        "emailed_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
