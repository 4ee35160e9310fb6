from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from auditlog.registry import auditlog

        from . import closure  # noqa: F401 - registers the needs closure check

        models = [
            "Family",
            "Caregiver",
            "Child",
            "Consent",
            "Case",
            "Need",
            "Goal",
            "Activity",
            "Task",
            "EDVisit",
        ]
        hidden = ["search_name", "phone_digits", "version"]
        for name in models:
            m2m = {"children"} if name == "Case" else None
            auditlog.register(self.get_model(name), exclude_fields=hidden, m2m_fields=m2m)
