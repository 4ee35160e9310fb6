from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Social-needs screening")

    def ready(self):
        from auditlog.registry import auditlog

        from cases.closure import register_closure_check
        from cases.panels import register_case_panel

        from .checks import open_screening_work
        from .panels import screening_case_panel

        register_case_panel(screening_case_panel)
        register_closure_check(open_screening_work)
        for name in ("Screening", "ScreeningAnswer", "NeedProposal", "ScreeningSchedule"):
            auditlog.register(self.get_model(name), exclude_fields=["version"])
