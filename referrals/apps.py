from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from auditlog.registry import auditlog

        from cases.closure import register_closure_check
        from cases.panels import register_case_panel

        from . import checks

        register_closure_check(checks.open_referrals)
        register_case_panel(checks.case_referrals_panel)
        for name in ("Referral", "Appointment"):
            auditlog.register(self.get_model(name), exclude_fields=["version", "link_key"])
