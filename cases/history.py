"""The audit trail of one case, read from django-auditlog."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .models import Activity, Case, Goal, Need, Task


def case_log_entries(case):
    """Audit entries for the case and everything recorded on it, newest first."""
    types = ContentType.objects.get_for_models(Case, Need, Goal, Activity, Task)
    condition = Q(content_type=types[Case], object_id=case.pk)
    for model, related in (
        (Need, case.needs),
        (Goal, case.goals),
        (Activity, case.activities),
        (Task, case.tasks),
    ):
        condition |= Q(content_type=types[model], object_id__in=related.values("pk"))
    return (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
