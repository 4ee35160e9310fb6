from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from auditlog.registry import auditlog

        from notifications.messages import register_param_display

        from . import closure  # noqa: F401 - registers the needs closure check

        # Inbox items name a need by its category code; each reader sees the category in their language.
        register_param_display("need", _category_label)

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


def _category_label(code):
    from .models import ServiceCategory

    return ServiceCategory.Code(code).label if code in ServiceCategory.Code.values else code
