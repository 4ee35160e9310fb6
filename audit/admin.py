from django.contrib import admin

from .models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The whole access log for administrators: read-only, like every copy of it."""

    list_display = (
        "at",
        "username",
        "role",
        "action",
        "view",
        "object_type",
        "status",
        "emergency",
        "address",
    )
    list_filter = ("action", "role", "emergency")
    search_fields = ("username", "view", "object_uuid", "address")
    date_hierarchy = "at"
    list_select_related = ("user",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
