"""What the supervision pages put in the coordinators' inboxes."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.cases.factories import CaseFactory, FamilyFactory
from tests.supervision.conftest import posted_versions

pytestmark = pytest.mark.django_db


def test_a_review_from_the_review_page_reaches_the_coordinators_inbox(client, case, supervisor, coordinator):
    client.force_login(supervisor)

    client.post(
        reverse("supervision:case-review", args=[case.uuid]),
        {"note": "Keep weekly contact.", "version": case.version},
    )

    [item] = Notification.objects.filter(recipient=coordinator, kind=Notification.Kind.CASE_REVIEWED)
    assert item.params["supervisor"] == "Sam Rivera"


def test_a_bulk_reassignment_gives_the_new_coordinator_one_task_item_per_case(
    client, case, team, coordinator, supervisor, colleague
):
    other = CaseFactory(family=FamilyFactory(team=team, name="Nguyen household"), coordinator=coordinator)
    client.force_login(supervisor)

    client.post(
        reverse("supervision:reassign"),
        {
            "cases": [case.uuid, other.uuid],
            **posted_versions([case, other]),
            "coordinator": colleague.uuid,
            "reason": "Caseload balance",
        },
    )

    items = Notification.objects.filter(recipient=colleague, kind=Notification.Kind.TASK_ASSIGNED)
    assert sorted(item.params["family"] for item in items) == ["Hernández household", "Nguyen household"]


def test_a_refused_bulk_reassignment_leaves_no_item(client, case, supervisor, coordinator):
    client.force_login(supervisor)

    client.post(
        reverse("supervision:reassign"),
        {"cases": [case.uuid], "coordinator": coordinator.uuid, "reason": "Same person"},
    )

    assert not Notification.objects.exists()
