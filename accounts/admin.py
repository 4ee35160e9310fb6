from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Team, User


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
