"""A caregiver's first portal sign-in reaches the inbox of the family's coordinators, once."""

import pytest

from cases.models import Case
from notifications.models import Notification
from portal.services import portal_first_sign_in_notify
from tests.cases.factories import CaseFactory, EDProgramFactory

pytestmark = pytest.mark.django_db


def first_sign_in_items():
    return Notification.objects.filter(kind=Notification.Kind.PORTAL_FIRST_SIGN_IN)


def test_a_caregivers_first_sign_in_tells_the_coordinator_of_each_open_case(
    client, case, coordinator, colleague, family, family_user
):
    CaseFactory(family=family, coordinator=colleague, program=EDProgramFactory())
    CaseFactory(family=family, status=Case.Status.CLOSED)

    client.force_login(family_user)

    assert sorted(item.recipient.first_name for item in first_sign_in_items()) == ["Carmen", "Jordan"]
    item = first_sign_in_items().get(recipient=coordinator)
    assert item.params == {"caregiver": "María Hernández", "family": "Hernández household"}
    assert item.key == f"portal-first-sign-in:{family_user.uuid}"


def test_later_sign_ins_tell_no_one_even_a_newly_assigned_coordinator(client, case, colleague, family_user):
    client.force_login(family_user)
    client.logout()
    Case.objects.filter(pk=case.pk).update(coordinator=colleague)

    client.force_login(family_user)
    client.logout()
    client.force_login(family_user)

    assert first_sign_in_items().count() == 1
    assert not first_sign_in_items().filter(recipient=colleague).exists()


def test_staff_sign_ins_tell_no_one(client, case, coordinator, colleague):
    client.force_login(colleague)

    assert portal_first_sign_in_notify(user=coordinator) == []
    assert not first_sign_in_items().exists()


def test_a_first_sign_in_with_no_open_case_counts_once_a_case_is_open(
    client, family, coordinator, family_user
):
    client.force_login(family_user)
    assert not first_sign_in_items().exists()
    CaseFactory(family=family, coordinator=coordinator)

    client.force_login(family_user)

    assert first_sign_in_items().filter(recipient=coordinator).count() == 1
