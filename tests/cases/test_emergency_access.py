"""Emergency ("break-glass") access: a stated reason, a few hours, a banner, the supervisors told."""

import datetime
import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.emergency import emergency_access_grant
from cases.models import EmergencyAccess
from notifications.models import Notification

pytestmark = pytest.mark.django_db

REASON = {"reason": "safety", "explanation": "Mateo is in our ED now and his coordinator is off today."}


def ask(client, case, data=REASON):
    return client.post(reverse("cases:emergency-access", args=[case.uuid]), data)


def test_a_case_of_another_team_offers_emergency_access_without_showing_the_family(client, outsider, case):
    client.force_login(outsider)
    response = client.get(reverse("cases:case-detail", args=[case.uuid]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("cases:emergency-access", args=[case.uuid])
    page = response.content.decode()
    assert "Hernández" not in page
    assert "North" not in page
    refused = AccessEvent.objects.get(view="cases:case-detail")
    assert (refused.action, refused.family_id) == (AccessEvent.Action.DENIED, case.family_id)


def test_an_unknown_case_looks_the_same_until_a_reason_is_given(client, outsider, case):
    client.force_login(outsider)
    unknown = uuid.uuid4()
    known_page = client.get(reverse("cases:case-detail", args=[case.uuid]), follow=True).content.decode()
    unknown_page = client.get(reverse("cases:case-detail", args=[unknown]), follow=True).content.decode()

    def without_tokens(page, case_uuid):
        return re.sub(r"[A-Za-z0-9]{64}", "", page.replace(str(case_uuid), ""))

    assert without_tokens(known_page, case.uuid) == without_tokens(unknown_page, unknown)
    assert client.post(reverse("cases:emergency-access", args=[unknown]), REASON).status_code == 404
    assert not EmergencyAccess.objects.exists()


def test_administrators_and_families_meet_a_plain_not_found(client, admin, family_user):
    for user in (admin, family_user):
        client.force_login(user)
        assert client.get(reverse("cases:case-detail", args=[uuid.uuid4()])).status_code == 404


def test_without_a_reason_nothing_is_granted(client, outsider, case):
    client.force_login(outsider)
    response = ask(client, case, {"reason": "safety", "explanation": "  "})

    assert response.status_code == 200
    assert not EmergencyAccess.objects.exists()
    assert client.get(reverse("cases:family-detail", args=[case.family.uuid])).status_code == 404


def test_with_a_reason_the_case_and_its_family_open_for_four_hours(client, outsider, case, supervisor):
    client.force_login(outsider)
    response = ask(client, case)

    assert response.status_code == 302
    grant = EmergencyAccess.objects.get()
    assert grant.user == outsider
    assert grant.case == case
    hours = (grant.ends_at - grant.started_at) / datetime.timedelta(hours=1)
    assert hours == pytest.approx(4)
    page = client.get(reverse("cases:case-detail", args=[case.uuid]))
    assert page.status_code == 200
    assert 'data-testid="emergency-banner"' in page.content.decode()
    assert client.get(reverse("cases:family-detail", args=[case.family.uuid])).status_code == 200


def test_everything_opened_under_the_grant_is_marked_in_the_access_log(client, outsider, case):
    client.force_login(outsider)
    ask(client, case)
    client.get(reverse("cases:case-detail", args=[case.uuid]))
    client.get(reverse("cases:family-detail", args=[case.family.uuid]))

    granted = AccessEvent.objects.get(action=AccessEvent.Action.EMERGENCY_ACCESS)
    assert granted.family_id == case.family_id
    reads = AccessEvent.objects.filter(user=outsider, action=AccessEvent.Action.READ)
    assert reads.count() == 2
    assert all(event.emergency for event in reads)


def test_the_teams_supervisors_are_told_at_once(
    client, outsider, case, supervisor, colleague, django_capture_on_commit_callbacks
):
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, case)

    item = Notification.objects.get(kind=Notification.Kind.EMERGENCY_ACCESS)
    assert item.recipient == supervisor
    assert item.urgent
    assert item.url == reverse("supervision:family-access", args=[case.family.uuid])
    assert [message.to for message in mail.outbox] == [[supervisor.email]]
    assert not Notification.objects.filter(recipient=colleague).exists()


def test_asking_twice_keeps_one_grant_and_tells_the_supervisors_once(client, outsider, case, supervisor):
    client.force_login(outsider)
    ask(client, case)
    ask(client, case)
    emergency_access_grant(actor=outsider, case=case, **REASON)

    assert EmergencyAccess.objects.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.EMERGENCY_ACCESS).count() == 1


def test_when_the_grant_ends_the_case_closes_again(client, outsider, case):
    client.force_login(outsider)
    ask(client, case)
    EmergencyAccess.objects.update(
        started_at=timezone.now() - datetime.timedelta(hours=5),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )

    response = client.get(reverse("cases:case-detail", args=[case.uuid]))
    assert response.status_code == 302
    assert client.get(reverse("cases:family-detail", args=[case.family.uuid])).status_code == 404


def test_team_members_and_families_cannot_ask(client, coordinator, family_user, case):
    client.force_login(coordinator)
    assert ask(client, case).status_code == 302
    assert not EmergencyAccess.objects.exists()

    client.force_login(family_user)
    assert ask(client, case).status_code in (302, 403, 404)
    assert not EmergencyAccess.objects.exists()


def test_the_service_refuses_a_team_member_and_a_missing_reason(coordinator, outsider, case):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        emergency_access_grant(actor=coordinator, case=case, **REASON)
    with pytest.raises(ValidationError):
        emergency_access_grant(actor=outsider, case=case, reason="safety", explanation="")
    with pytest.raises(ValidationError):
        emergency_access_grant(
            actor=outsider, case=case, reason="curiosity", explanation=REASON["explanation"]
        )
    assert not EmergencyAccess.objects.exists()


def test_the_grant_lets_the_holder_work_the_case_through_the_services(outsider, case):
    from cases import services

    emergency_access_grant(actor=outsider, case=case, **REASON)
    outsider.emergency_grants = None
    task = services.task_create(
        case=case,
        actor=outsider,
        title="Call the ED social worker",
        assignee=case.coordinator,
        due_on=timezone.localdate(),
    )
    assert task.case == case
