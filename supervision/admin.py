from django.contrib import admin

from .models import ReportDownload


@admin.register(ReportDownload)
class ReportDownloadAdmin(admin.ModelAdmin):
    """The download record is evidence: it can be read and searched, never changed."""

    list_display = ["at", "user", "report"]
    list_filter = ["report"]
    search_fields = ["user__username", "user__last_name", "report"]
    date_hierarchy = "at"
    readonly_fields = ["uuid", "user", "report", "parameters", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
