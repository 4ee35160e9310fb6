"""The receiving organization's answer page: no account, a signed expiring link, the minimum shown."""

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from referrals.models import Appointment, Referral, ReferralEvent
from referrals.services import (
    LINK_SALT,
    referral_create,
    referral_link_revoke,
    referral_link_token,
    referral_transition,
)
from tests.cases.factories import (
    ActivityFactory,
    CaregiverFactory,
    CaseFactory,
    ChildFactory,
    ConsentFactory,
    FamilyFactory,
    NeedFactory,
)
from tests.queries import assert_queries_bounded
from tests.referrals.factories import ServiceFactory

pytestmark = pytest.mark.django_db

THANKS = "Thank you — the coordinator has been told."

# What the organization must never see, planted in the family's records.
FAMILY_SECRETS = [
    "Zanzibarquez",  # the family's (and the child's) last name
    "77 Secretmarker Lane",
    "Quietville",
    "(555) 404-9911",  # family phone
    "(555) 303-8822",  # caregiver phone
    "MRN-MARKER-4471",
    "CONDITION-MARKER",
    "PCP-MARKER",
    "OTHER-NEED-MARKER",
    "INTERNAL-ACTIVITY-MARKER",
    "CASE-SUMMARY-MARKER",
    "SIBLING-MARKER",
]


def url(referral):
    return reverse("referrals:organization-link", args=[referral_link_token(referral)])


def send_referral(
    coordinator, *, child_name="Mateo", family_name="Zanzibarquez", note="Please call in Spanish."
):
    """A family with secrets everywhere, and a physical-therapy referral sent to a directory service."""
    team = coordinator.teams.get()
    family = FamilyFactory(
        team=team,
        name=family_name,
        phone="(555) 404-9911",
        address_line1="77 Secretmarker Lane",
        town="Quietville",
    )
    CaregiverFactory(family=family, phone="(555) 303-8822")
    ConsentFactory(family=family)
    child = ChildFactory(
        family=family,
        first_name=child_name,
        last_name=family_name,
        date_of_birth=timezone.localdate() - datetime.timedelta(days=6 * 365 + 30),
        conditions="CONDITION-MARKER Duchenne muscular dystrophy",
        mrn="MRN-MARKER-4471",
        primary_care_provider="PCP-MARKER clinic",
    )
    sibling = ChildFactory(family=family, first_name="SIBLING-MARKER", last_name=family_name)
    case = CaseFactory(
        family=family, coordinator=coordinator, children=[child, sibling], summary="CASE-SUMMARY-MARKER"
    )
    need = NeedFactory(
        case=case,
        child=child,
        category_code="physical_therapy",
        description=f"Weekly physical therapy for {child_name}.",
    )
    NeedFactory(case=case, description="OTHER-NEED-MARKER housing")
    ActivityFactory(case=case, summary="INTERNAL-ACTIVITY-MARKER call with mother")
    service = ServiceFactory(name="Harbor Pediatric Therapy", organization__name="Kestrel Therapy Group")
    return referral_create(need=need, actor=coordinator, service=service, note=note, send=True)


@pytest.fixture
def referral(coordinator):
    return send_referral(coordinator)


def post(client, referral, action, **fields):
    """Post an answer as the page does: with the version of the referral it showed, unless given."""
    fields.setdefault("version", Referral.objects.get(pk=referral.pk).version)
    data = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(url(referral), data)


def fresh(referral):
    return Referral.objects.get(pk=referral.pk)


# Reading


def test_link_shows_the_minimum_about_the_referral_without_signing_in(client, referral):
    response = client.get(url(referral))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Mateo" in content
    assert "6 years old" in content
    assert "Physical therapy" in content
    assert "Weekly physical therapy for Mateo." in content
    assert "Please call in Spanish." in content
    assert "Harbor Pediatric Therapy" in content
    assert "Carmen Ortiz" in content
    assert "(555) 010-7777" in content
    assert "Requested" in content
    assert 'name="csrfmiddlewaretoken"' in content


def test_link_shows_nothing_else_about_the_family(client, referral):
    content = client.get(url(referral)).content.decode().casefold()
    for secret in FAMILY_SECRETS:
        assert secret.casefold() not in content, secret


def test_link_gives_the_team_phone_when_the_coordinator_has_none(client, coordinator, referral):
    coordinator.phone = ""
    coordinator.save()
    content = client.get(url(referral)).content.decode()
    assert "(555) 000-1234" in content


def test_link_page_shows_no_staff_navigation_even_to_a_signed_in_coordinator(client, coordinator, referral):
    client.force_login(coordinator)
    content = client.get(url(referral)).content.decode()
    assert reverse("cases:caseload") not in content
    assert reverse("referrals:directory-search") not in content


def test_link_page_keeps_the_token_private(client, referral):
    response = client.get(url(referral))
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "same-origin"


def test_refused_link_page_keeps_the_token_private_too(client):
    unsigned = "A" * 90 + ":1abcde:" + "B" * 43  # the shape of a link, signed by no one
    response = client.get(reverse("referrals:organization-link", args=[unsigned]))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "same-origin"


def test_reading_the_link_is_in_the_access_log_as_the_organization(client, referral):
    client.get(url(referral), REMOTE_ADDR="198.51.100.7")
    event = AccessEvent.objects.get(view="referrals:organization-link")
    assert (event.role, event.user, event.object_uuid) == ("organization", None, referral.uuid)
    assert event.family_id == referral.case.family_id
    assert event.address == "198.51.100.7"


def test_link_page_query_count_does_not_grow_with_the_case(client, referral):
    def add_needs_and_activities(count):
        for _ in range(count):
            NeedFactory(case=referral.case)
            ActivityFactory(case=referral.case)

    address = url(referral)

    def load():
        assert client.get(address).status_code == 200

    assert_queries_bounded(add_rows=add_needs_and_activities, load=load, ceiling=4)


# Answering


def test_accept_accepts_and_names_the_organization_on_the_timeline(client, referral):
    link = url(referral)  # a token made later may carry a later timestamp: compare with this one
    response = client.post(
        link, {"action": "accept", "accept-note": "We will call Monday.", "accept-version": referral.version}
    )
    assert response.status_code == 302
    assert response["Location"] == link
    assert fresh(referral).status == Referral.Status.ACCEPTED
    event = ReferralEvent.objects.filter(referral=referral).order_by("-at", "-id").first()
    assert event.to_status == Referral.Status.ACCEPTED
    assert event.actor is None
    assert "Kestrel Therapy Group" in event.actor_label
    assert "organization" in event.actor_label
    assert event.note == "We will call Monday."


def test_after_answering_the_page_thanks_the_organization(client, referral):
    response = client.post(
        url(referral),
        {"action": "accept", "accept-note": "", "accept-version": referral.version},
        follow=True,
    )
    content = response.content.decode()
    assert THANKS in content
    assert "Accepted" in content


def test_decline_without_a_reason_is_refused_and_changes_nothing(client, referral):
    before = fresh(referral)
    events = ReferralEvent.objects.filter(referral=referral).count()
    response = post(client, referral, "decline", note="   ")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    after = fresh(referral)
    assert after.status == Referral.Status.REQUESTED
    assert after.version == before.version
    assert ReferralEvent.objects.filter(referral=referral).count() == events


def test_decline_with_a_reason_rejects_the_referral(client, referral):
    response = post(
        client,
        referral,
        "decline",
        reason_code="no_capacity",
        note="Our waiting list is closed until spring.",
    )
    assert response.status_code == 302
    referral = fresh(referral)
    assert referral.status == Referral.Status.REJECTED
    assert referral.reason_code == Referral.ReasonCode.NO_CAPACITY
    assert referral.status_reason == "Our waiting list is closed until spring."


def test_proposing_an_appointment_books_it_and_accepts_the_referral(client, referral):
    start = timezone.localtime() + datetime.timedelta(days=5)
    response = post(
        client,
        referral,
        "propose",
        start=start.strftime("%Y-%m-%dT%H:%M"),
        duration_minutes="45",
        place="Harbor clinic, room 2",
        address="12 Harbor Street",
        note="Bring the insurance card.",
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(referral=referral)
    assert appointment.proposed_by_organization is True
    assert appointment.child == referral.need.child
    assert appointment.place == "Harbor clinic, room 2"
    assert appointment.duration_minutes == 45
    assert timezone.localtime(appointment.start).strftime("%Y-%m-%d %H:%M") == start.strftime(
        "%Y-%m-%d %H:%M"
    )
    assert fresh(referral).status == Referral.Status.ACCEPTED


def test_proposing_an_appointment_in_the_past_is_refused_on_the_form(client, referral):
    start = timezone.localtime() - datetime.timedelta(days=1)
    response = post(
        client,
        referral,
        "propose",
        start=start.strftime("%Y-%m-%dT%H:%M"),
        duration_minutes="60",
        place="Clinic",
    )
    assert response.status_code == 200
    assert "Propose a date in the future." in response.content.decode()
    assert not Appointment.objects.filter(referral=referral).exists()
    assert fresh(referral).status == Referral.Status.REQUESTED


def test_delivered_completes_the_referral(client, referral):
    response = post(client, referral, "delivered", note="Six sessions done.")
    assert response.status_code == 302
    referral = fresh(referral)
    assert referral.status == Referral.Status.COMPLETED
    assert referral.completed_at is not None
    # The link has done its work: the page now says the referral is closed, after the thanks.
    page = client.get(response["Location"])
    assert page.status_code == 410
    assert THANKS in page.content.decode()


def test_answer_without_the_csrf_token_is_refused_and_changes_nothing(referral):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(referral), {"action": "accept"})
    assert response.status_code == 403
    assert fresh(referral).status == Referral.Status.REQUESTED


# Refused links


def test_expired_link_is_gone(client, referral, monkeypatch, settings):
    settings.REFERRAL_LINK_MAX_AGE_DAYS = 30
    long_ago = signing.time.time() - 31 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: long_ago)
        token = referral_link_token(referral)
    response = client.get(reverse("referrals:organization-link", args=[token]))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_expired_link_cannot_answer(client, referral, monkeypatch):
    long_ago = signing.time.time() - 31 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: long_ago)
        token = referral_link_token(referral)
    response = client.post(reverse("referrals:organization-link", args=[token]), {"action": "accept"})
    assert response.status_code == 410
    assert fresh(referral).status == Referral.Status.REQUESTED


def test_tampered_token_is_not_found(client, referral):
    token = referral_link_token(referral)
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    response = client.get(reverse("referrals:organization-link", args=[tampered]))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert "Mateo" not in response.content.decode()


def test_a_referrals_token_never_opens_another_referral(client, coordinator, referral):
    send_referral(coordinator, child_name="Lucia", family_name="Otherfamilyname", note="Other note.")
    content = client.get(url(referral)).content.decode()
    assert "Mateo" in content
    assert "Lucia" not in content
    assert "Other note." not in content


def test_a_token_naming_another_referral_with_the_wrong_key_is_refused(client, coordinator, referral):
    other = send_referral(coordinator, child_name="Lucia", family_name="Otherfamilyname")
    token = signing.dumps({"r": str(other.uuid), "k": referral.link_key}, salt=LINK_SALT, compress=True)
    response = client.get(reverse("referrals:organization-link", args=[token]))
    assert response.status_code == 410
    assert "Lucia" not in response.content.decode()


def test_revoked_link_is_refused_and_the_new_one_works(client, coordinator, referral):
    old = url(referral)
    referral = referral_link_revoke(version=referral.version, referral=referral, actor=coordinator)
    response = client.get(old)
    assert response.status_code == 410
    assert "This link was replaced by a newer one" in response.content.decode()
    assert client.get(url(referral)).status_code == 200


def test_link_of_a_cancelled_referral_is_refused_and_cannot_answer(client, coordinator, referral):
    address = url(referral)
    referral_transition(
        version=referral.version,
        referral=referral,
        to=Referral.Status.CANCELLED,
        actor=coordinator,
        note="Family moved away.",
    )
    response = client.get(address)
    assert response.status_code == 410
    assert "This referral is closed" in response.content.decode()
    assert client.post(address, {"action": "accept"}).status_code == 410
    assert fresh(referral).status == Referral.Status.CANCELLED
