"""Overdue tasks reach their assignee's inbox once, whatever the schedule."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case
from cases.reminders import overdue_tasks_notify
from notifications.models import Notification
from tests.cases.factories import CaseFactory, TaskFactory
from tests.queries import assert_queries_bounded

pytestmark = pytest.mark.django_db


def overdue_items():
    return Notification.objects.filter(kind=Notification.Kind.TASK_OVERDUE)


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def test_an_overdue_task_gives_its_assignee_one_item_however_often_the_job_runs(case, coordinator):
    task = TaskFactory(case=case, title="Send the forms", due_on=days_ago(1))

    first = overdue_tasks_notify()
    second = overdue_tasks_notify()

    assert len(first) == 1
    assert second == []
    [item] = overdue_items()
    assert item.recipient == coordinator
    assert item.key == f"task-overdue:{task.uuid}"
    assert item.params == {
        "title": "Send the forms",
        "family": "Hernández household",
        "due_on": str(days_ago(1)),
    }


def test_a_task_is_announced_only_once_its_due_date_has_passed(case):
    TaskFactory(case=case, due_on=timezone.localdate())

    assert overdue_tasks_notify() == []
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert len(overdue_tasks_notify(now=tomorrow)) == 1
    assert overdue_tasks_notify(now=tomorrow + datetime.timedelta(days=3)) == []
    assert overdue_items().count() == 1


def test_done_tasks_and_tasks_of_closed_cases_are_not_announced(case, coordinator, family):
    TaskFactory(case=case, due_on=days_ago(2), completed_at=timezone.now(), completed_by=coordinator)
    closed = CaseFactory(family=family, status=Case.Status.CLOSED)
    TaskFactory(case=closed, due_on=days_ago(2))

    assert overdue_tasks_notify() == []


def test_a_reassigned_overdue_task_reaches_its_new_assignee_once(case, colleague):
    task = TaskFactory(case=case, due_on=days_ago(2))
    overdue_tasks_notify()
    task.assignee = colleague
    task.save()

    overdue_tasks_notify()
    overdue_tasks_notify()

    assert overdue_items().filter(recipient=colleague).count() == 1


def test_the_overdue_run_reads_a_bounded_number_of_queries(case):
    def add_rows(count):
        for _ in range(count):
            TaskFactory(case=case, due_on=days_ago(3))
        overdue_tasks_notify()

    assert_queries_bounded(add_rows=add_rows, load=overdue_tasks_notify, ceiling=6)
