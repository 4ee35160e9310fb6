"""Referrals close the loop: lifecycle, consent, closure, time to connect, appointments, pages."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.closure import closure_blockers
from cases.models import Case, Need
from cases.services import case_request_closure, need_transition
from referrals import appointments, services
from referrals.models import Appointment, Referral, ReferralEvent
from referrals.transitions import REASON_REQUIRED, REFERRAL_ALLOWED
from tests.cases.factories import CaseFactory, ChildFactory, ConsentFactory, FamilyFactory, NeedFactory
from tests.queries import assert_queries_bounded
from tests.referrals.factories import ServiceFactory

pytestmark = pytest.mark.django_db
S = Referral.Status


@pytest.fixture(autouse=True)
def consent_on_file(consent):
    """The Hernández family's consent is on file unless a test withdraws or deletes it."""
    return consent


@pytest.fixture
def need(case):
    return NeedFactory(case=case, child=case.children.first(), category_code="physical_therapy")


def make_referral(need, status=S.REQUESTED):
    """A referral walked to ``status`` through the services, as a coordinator would."""
    actor = need.case.coordinator
    referral = services.referral_create(need=need, actor=actor, service=ServiceFactory())
    paths = {
        S.DRAFT: [],
        S.REQUESTED: [S.REQUESTED],
        S.RECEIVED: [S.REQUESTED, S.RECEIVED],
        S.ACCEPTED: [S.REQUESTED, S.ACCEPTED],
        S.IN_PROGRESS: [S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS],
        S.ON_HOLD: [S.REQUESTED, S.ON_HOLD],
        S.COMPLETED: [S.REQUESTED, S.ACCEPTED, S.COMPLETED],
        S.REJECTED: [S.REQUESTED, S.REJECTED],
        S.CANCELLED: [S.CANCELLED],
        S.FAILED: [S.REQUESTED, S.FAILED],
    }
    for step in paths[status]:
        referral = services.referral_transition(
            version=referral.version, referral=referral, to=step, actor=actor, note="because"
        )
    return referral


# In the order of the status list, never a set's: every xdist worker must collect the same tests.
ALLOWED = [(current, target) for current in S for target in S if target in REFERRAL_ALLOWED[current]]
REFUSED = [
    (current, target)
    for current, target in itertools.product(S, S)
    if target not in REFERRAL_ALLOWED[current]
]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_every_allowed_referral_move_is_recorded_as_an_event(need, current, target):
    referral = make_referral(need, current)
    moved = services.referral_transition(
        version=referral.version, referral=referral, to=target, actor=need.case.coordinator, note="reason"
    )
    assert moved.status == target
    event = moved.events.filter(from_status=current).first()
    assert (event.from_status, event.to_status, event.actor) == (current, target, need.case.coordinator)


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_every_refused_referral_move_changes_nothing(need, current, target):
    referral = make_referral(need, current)
    events = referral.events.count()
    with pytest.raises(ValidationError):
        services.referral_transition(
            version=referral.version, referral=referral, to=target, actor=need.case.coordinator, note="reason"
        )
    referral.refresh_from_db()
    assert (referral.status, referral.events.count()) == (current, events)


@pytest.mark.parametrize("target", sorted(REASON_REQUIRED & REFERRAL_ALLOWED[S.REQUESTED]))
def test_rejected_failed_cancelled_and_on_hold_need_a_reason(need, target):
    referral = make_referral(need)
    with pytest.raises(ValidationError):
        services.referral_transition(
            version=referral.version, referral=referral, to=target, actor=need.case.coordinator
        )
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


def test_sending_without_consent_is_refused_and_keeps_nothing(need):
    need.case.family.consents.all().delete()
    with pytest.raises(services.ConsentMissing):
        services.referral_create(need=need, actor=need.case.coordinator, service=ServiceFactory(), send=True)
    assert Referral.objects.count() == 0


def test_expired_or_withdrawn_consent_does_not_cover_a_referral(need):
    consent = need.case.family.consents.get()
    consent.expires_on = timezone.localdate() - datetime.timedelta(days=1)
    consent.given_on = timezone.localdate() - datetime.timedelta(days=400)
    consent.save()
    referral = services.referral_create(need=need, actor=need.case.coordinator, service=ServiceFactory())
    assert not services.consent_covers(referral)
    with pytest.raises(services.ConsentMissing):
        services.referral_transition(
            version=referral.version, referral=referral, to=S.REQUESTED, actor=need.case.coordinator
        )


def test_medical_only_consent_covers_therapy_but_not_housing(case):
    consent = case.family.consents.get()
    consent.scope = consent.Scope.MEDICAL_ONLY
    consent.save()
    therapy = services.referral_create(
        need=NeedFactory(case=case, category_code="physical_therapy"),
        actor=case.coordinator,
        service=ServiceFactory(),
    )
    housing = services.referral_create(
        need=NeedFactory(case=case, category_code="housing"), actor=case.coordinator, service=ServiceFactory()
    )
    assert services.consent_covers(therapy)
    assert not services.consent_covers(housing)


def test_a_referral_needs_a_service_or_a_named_provider(need):
    with pytest.raises(ValidationError):
        services.referral_create(need=need, actor=need.case.coordinator)
    referral = services.referral_create(
        need=need, actor=need.case.coordinator, outside_provider="Dr. Alvarez"
    )
    assert referral.recipient == "Dr. Alvarez"


def test_case_cannot_close_while_a_referral_is_open(need):
    make_referral(need, S.ACCEPTED)
    need_transition(
        version=need.version, need=need, actor=need.case.coordinator, to=Need.Status.MET, note="done"
    )
    blockers = closure_blockers(need.case)
    assert len(blockers) == 1
    assert "Referral still open" in blockers[0]
    with pytest.raises(ValidationError):
        case_request_closure(
            version=need.case.version, case=need.case, actor=need.case.coordinator, reason="goals_met"
        )
    assert Case.objects.get(pk=need.case.pk).status == Case.Status.ACTIVE


def test_case_can_close_once_every_referral_is_terminal(need):
    make_referral(need, S.COMPLETED)
    need_transition(
        version=need.version, need=need, actor=need.case.coordinator, to=Need.Status.MET, note="done"
    )
    assert closure_blockers(need.case) == []


def test_time_to_connect_is_computed_in_the_database(need):
    referral = make_referral(need, S.COMPLETED)
    sent = timezone.now() - datetime.timedelta(days=6)
    Referral.objects.filter(pk=referral.pk).update(
        requested_at=sent,
        accepted_at=sent + datetime.timedelta(days=2),
        completed_at=sent + datetime.timedelta(days=5),
    )
    annotated = Referral.objects.with_durations().get(pk=referral.pk)
    assert annotated.time_to_accept == datetime.timedelta(days=2)
    assert annotated.time_to_complete == datetime.timedelta(days=5)


def test_every_referral_change_appears_on_the_case_timeline(need):
    make_referral(need, S.ACCEPTED)
    notes = list(need.case.events.filter(kind="referral").values_list("note", flat=True))
    assert any("Accepted" in note for note in notes)
    assert any("Requested" in note for note in notes)


def test_attended_appointment_completes_the_referral_and_meets_the_need(need):
    referral = make_referral(need, S.ACCEPTED)
    appointment = appointments.appointment_create(
        child=need.child,
        actor=need.case.coordinator,
        referral=referral,
        provider="KVCH",
        start=timezone.now() - datetime.timedelta(hours=1),
    )
    appointments.appointment_set_status(
        appointment=appointment,
        actor=need.case.coordinator,
        version=appointment.version,
        status="attended",
        complete_referral=True,
        mark_need_met=True,
    )
    referral.refresh_from_db()
    need.refresh_from_db()
    assert referral.status == S.COMPLETED
    assert need.status == Need.Status.MET


def test_appointment_for_a_child_of_another_family_is_refused(case):
    other_child = ChildFactory()
    with pytest.raises(ValidationError):
        appointments.appointment_create(
            child=other_child, actor=case.coordinator, case=case, provider="KVCH", start=timezone.now()
        )
    assert Appointment.objects.count() == 0


# Pages


def test_coordinator_refers_a_need_from_the_directory(client, need, coordinator):
    service = ServiceFactory(name="Pediatric PT")
    client.force_login(coordinator)
    url = reverse("referrals:referral-new") + f"?need={need.uuid}&service={service.uuid}"
    assert "Pediatric PT" in client.get(url).content.decode()
    response = client.post(url, {"service": service.pk, "note": "Please call the mother", "send": "on"})
    referral = Referral.objects.get()
    assert response.url == reverse("referrals:referral-detail", args=[referral.uuid])
    assert (referral.status, referral.created_by) == (S.REQUESTED, coordinator)


def test_a_service_id_past_the_databases_range_is_an_invalid_choice(client, need, coordinator):
    client.force_login(coordinator)
    url = reverse("referrals:referral-new") + f"?need={need.uuid}"
    response = client.post(url, {"service": "9223372036854775808", "send": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["service"]
    assert Referral.objects.count() == 0


def test_referring_without_consent_shows_a_link_to_record_it(client, need, coordinator):
    need.case.family.consents.all().delete()
    client.force_login(coordinator)
    url = reverse("referrals:referral-new") + f"?need={need.uuid}"
    content = client.post(url, {"service": ServiceFactory().pk, "send": "on"}).content.decode()
    assert reverse("cases:consent-add", args=[need.case.family.uuid]) in content
    assert Referral.objects.count() == 0


def test_referral_status_change_without_a_reason_is_refused(client, need, coordinator):
    referral = make_referral(need)
    client.force_login(coordinator)
    response = client.post(
        reverse("referrals:referral-status", args=[referral.uuid]),
        {"status": "rejected", "note": "", "version": referral.version},
    )
    assert "Choose the reason" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


def test_another_teams_referral_is_not_found_and_unchanged(client, need, outsider):
    referral = make_referral(need)
    client.force_login(outsider)
    assert client.get(reverse("referrals:referral-detail", args=[referral.uuid])).status_code == 404
    response = client.post(
        reverse("referrals:referral-status", args=[referral.uuid]), {"status": "cancelled", "note": "x"}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == S.REQUESTED


def test_family_user_cannot_see_referral_pages(client, need, family_user):
    referral = make_referral(need)
    client.force_login(family_user)
    assert client.get(reverse("referrals:referral-detail", args=[referral.uuid])).status_code == 404
    assert client.get(reverse("referrals:referral-list")).status_code == 404


def test_referral_list_shows_only_my_teams_referrals(client, need, coordinator, other_team):
    make_referral(need)
    other = CaseFactory(family=FamilyFactory(team=other_team, name="Other team family"))
    ConsentFactory(family=other.family)
    make_referral(NeedFactory(case=other))
    client.force_login(coordinator)
    content = client.get(reverse("referrals:referral-list")).content.decode()
    assert "Hernández household" in content
    assert "Other team family" not in content


def test_revoking_the_link_gives_a_new_one(client, need, coordinator):
    referral = make_referral(need)
    old = services.referral_link_token(referral)
    client.force_login(coordinator)
    client.post(
        reverse("referrals:referral-link-revoke", args=[referral.uuid]), {"version": referral.version}
    )
    with pytest.raises(services.LinkRefused):
        services.referral_from_token(old)
    referral.refresh_from_db()
    assert services.referral_from_token(services.referral_link_token(referral)) == referral


def test_booking_an_appointment_from_a_referral(client, need, coordinator):
    referral = make_referral(need, S.ACCEPTED)
    client.force_login(coordinator)
    start = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("referrals:appointment-new") + f"?referral={referral.uuid}",
        {
            "child": need.child.pk,
            "provider": "KVCH",
            "place": "Main campus",
            "start": start,
            "duration_minutes": "45",
            "transportation_arranged": "on",
            "transportation_details": "Medicaid ride",
            "instructions_for_family": "Bring the insurance card",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.referral, appointment.case) == (referral, need.case)


def test_transportation_arranged_without_details_is_refused(client, need, coordinator):
    client.force_login(coordinator)
    start = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("referrals:appointment-new") + f"?case={need.case.uuid}",
        {
            "child": need.child.pk,
            "provider": "KVCH",
            "start": start,
            "duration_minutes": "45",
            "transportation_arranged": "on",
        },
    )
    assert Appointment.objects.count() == 0


def test_marking_attended_offers_to_complete_the_referral_and_meet_the_need(client, need, coordinator):
    referral = make_referral(need, S.ACCEPTED)
    appointment = appointments.appointment_create(
        child=need.child, actor=coordinator, referral=referral, provider="KVCH", start=timezone.now()
    )
    client.force_login(coordinator)
    url = reverse("referrals:appointment-outcome", args=[appointment.uuid])
    assert "Mark the need met" in client.get(url).content.decode()
    client.post(
        url,
        {
            "status": "attended",
            "complete_referral": "on",
            "mark_need_met": "on",
            "version": appointment.version,
        },
    )
    need.refresh_from_db()
    assert need.status == Need.Status.MET


def test_referral_list_query_count_does_not_grow(client, need, coordinator):
    def add_referrals(count):
        for _ in range(count):
            make_referral(NeedFactory(case=need.case))

    client.force_login(coordinator)

    def load():
        assert client.get(reverse("referrals:referral-list")).status_code == 200

    assert_queries_bounded(add_rows=add_referrals, load=load, ceiling=8)


def test_case_page_with_many_referrals_has_bounded_queries(client, need, coordinator):
    def add_referrals(count):
        for _ in range(count):
            referral = make_referral(NeedFactory(case=need.case, child=need.child))
            appointments.appointment_create(
                child=need.child, actor=coordinator, referral=referral, provider="KVCH", start=timezone.now()
            )

    client.force_login(coordinator)

    def load():
        assert client.get(reverse("cases:case-detail", args=[need.case.uuid])).status_code == 200

    assert_queries_bounded(add_rows=add_referrals, load=load, ceiling=24)


def test_referral_page_query_count_does_not_grow(client, need, coordinator):
    referral = make_referral(need, S.ACCEPTED)

    def add_appointments_and_events(count):
        for _ in range(count):
            appointments.appointment_create(
                child=need.child, actor=coordinator, referral=referral, provider="KVCH", start=timezone.now()
            )
            ReferralEvent.objects.create(
                referral=referral, from_status="accepted", to_status="accepted", note="call"
            )

    client.force_login(coordinator)

    def load():
        assert client.get(reverse("referrals:referral-detail", args=[referral.uuid])).status_code == 200

    assert_queries_bounded(add_rows=add_appointments_and_events, load=load, ceiling=10)


@pytest.mark.parametrize(
    "address",
    [
        "referrals:referral-new?need=0",
        "referrals:appointment-new?case=not-a-uuid",
        "referrals:appointment-new?referral=0",
    ],
)
def test_a_malformed_record_in_the_query_string_is_not_found(client, coordinator, address):
    name, query = address.split("?")
    client.force_login(coordinator)
    assert client.get(f"{reverse(name)}?{query}").status_code == 404
