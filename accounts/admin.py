from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Team, User
from .services import two_factor_reset


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "phone", "created_at"]
    search_fields = ["name", "site"]
    list_filter = ["site"]
    readonly_fields = ["uuid", "created_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "teams", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email"]
    readonly_fields = ["uuid", "last_login", "date_joined"]
    filter_horizontal = ["teams", "groups", "user_permissions"]
    actions = ["reset_two_factor"]
    fieldsets = (
        (None, {"fields": ("uuid", "username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone", "language")}),
        (_("Role and teams"), {"fields": ("role", "teams")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "role", "password1", "password2")}),
    )

    @admin.action(description=_("Reset two-factor sign-in (they set it up again at their next sign-in)"))
    def reset_two_factor(self, request, queryset):
        users = list(queryset)
        for user in users:
            two_factor_reset(user=user, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in was reset for %(count)d user.",
                "Two-factor sign-in was reset for %(count)d users.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )
