from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Family portal")

    def ready(self):
        from auditlog.registry import auditlog

        from cases.panels import register_family_panel

        from . import signals  # noqa: F401 - the sign-in language receiver
        from .panels import family_portal_panel

        register_family_panel(family_portal_panel)
        auditlog.register(self.get_model("PortalInvitation"), exclude_fields=["token_hash"])
        auditlog.register(self.get_model("CalendarFeed"), exclude_fields=["seed", "legacy_token_hash"])
        auditlog.register(self.get_model("AppointmentReminder"))
