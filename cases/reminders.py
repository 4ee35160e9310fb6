"""Reminders the case side gives on a schedule: overdue tasks reach their assignee's inbox once."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notify

from .models import Task

# Tasks read per batch: a run's queries grow with the overdue tasks it has to announce, never with the rest.
BATCH_SIZE = 500


def overdue_task_key(task):
    """The inbox key of a task's overdue item: one per task and assignee, whatever the schedule."""
    return f"task-overdue:{task.uuid}"


def overdue_tasks_notify(*, now=None):
    """Give each open task of an open case, once past its due date, one TASK_OVERDUE item for its assignee.

    Safe to run as often as the schedule likes: an assignee who already has
    the task's item gets no second one (a reassigned task's new assignee gets
    their own). Returns the items made by this run.
    """
    today = timezone.localdate(now or timezone.now())
    tasks = (
        Task.objects.overdue(today)
        .exclude(case__status="closed")
        .filter(assignee__is_active=True)
        .select_related("case__family", "assignee")
        .order_by("pk")
    )
    made = []
    last_pk = 0
    while True:
        batch = list(tasks.filter(pk__gt=last_pk)[:BATCH_SIZE])
        if not batch:
            return made
        last_pk = batch[-1].pk
        announced = set(
            Notification.objects.filter(
                kind=Notification.Kind.TASK_OVERDUE, key__in=[overdue_task_key(task) for task in batch]
            ).values_list("recipient_id", "key")
        )
        for task in batch:
            key = overdue_task_key(task)
            if (task.assignee_id, key) in announced:
                continue
            with transaction.atomic():
                made.extend(
                    notify(
                        recipients=[task.assignee],
                        kind=Notification.Kind.TASK_OVERDUE,
                        url=reverse("cases:case-detail", args=[task.case.uuid]) + "#tasks",
                        params={"title": task.title, "family": task.case.family, "due_on": task.due_on},
                        key=key,
                    )
                )
