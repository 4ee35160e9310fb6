from django.contrib import admin

from .models import AppointmentReminder, CalendarFeed, PortalInvitation


@admin.register(PortalInvitation)
class PortalInvitationAdmin(admin.ModelAdmin):
    list_display = ("caregiver", "created_by", "created_at", "expires_at", "used_at", "revoked_at")
    list_select_related = ("caregiver", "created_by")
    readonly_fields = [field.name for field in PortalInvitation._meta.fields if field.name != "token_hash"]
    exclude = ("token_hash",)

    def has_add_permission(self, request):
        return False  # invitations are made from the family page, which shows the link


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("caregiver", "created_at", "last_fetched_at")
    list_select_related = ("caregiver",)
    exclude = ("seed", "legacy_token_hash")
    readonly_fields = ("caregiver", "created_at", "last_fetched_at")

    def has_add_permission(self, request):
        return False


@admin.register(AppointmentReminder)
class AppointmentReminderAdmin(admin.ModelAdmin):
    list_display = ("appointment", "sent_at", "language", "recipients")
    list_select_related = ("appointment__child",)
    readonly_fields = ("appointment", "sent_at", "language", "recipients")

    def has_add_permission(self, request):
        return False
