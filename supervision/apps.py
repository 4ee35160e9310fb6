from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from cases.panels import register_case_panel

        from .panels import case_supervision_panel

        register_case_panel(case_supervision_panel)
