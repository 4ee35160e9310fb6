"""Rules the referral and appointment services hold for every caller, not only the pages' forms."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carecoord.services import VersionMissing
from cases.models import CaseEvent
from referrals import appointments, services
from referrals.models import Appointment, Referral, ReferralEvent, Service
from referrals.transitions import LINK_OPEN, REFERRAL_LIFECYCLE, TERMINAL
from tests.cases.factories import ChildFactory, FamilyFactory, NeedFactory
from tests.referrals.factories import AppointmentFactory, ServiceFactory

pytestmark = pytest.mark.django_db
S = Referral.Status


@pytest.fixture
def therapy_need(case, mateo, consent):
    """Mateo's physical-therapy need on Carmen's case, with the family's consent on file."""
    return NeedFactory(case=case, child=mateo, category_code="physical_therapy")


@pytest.fixture
def sent(therapy_need, coordinator):
    """A referral of the need, sent to a directory service."""
    return services.referral_create(
        need=therapy_need, actor=coordinator, service=ServiceFactory(name="Harbor Therapy"), send=True
    )


@pytest.fixture
def appointment(case, mateo):
    return AppointmentFactory(case=case, child=mateo, provider="Riverton Pediatrics")


def everything():
    return (
        sorted(Referral.objects.values_list("pk", "status", "version", "link_key")),
        sorted(Appointment.objects.values_list("pk", "status", "version", "child_id")),
        ReferralEvent.objects.count(),
        CaseEvent.objects.count(),
    )


# The lifecycle table


def test_terminal_statuses_are_those_no_move_leaves():
    assert set(TERMINAL) == {S.COMPLETED, S.REJECTED, S.CANCELLED, S.FAILED}
    for status in TERMINAL:
        assert REFERRAL_LIFECYCLE.next_statuses(status) == []


def test_the_organizations_link_works_while_a_sent_referral_is_not_over():
    assert set(LINK_OPEN) == {S.REQUESTED, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD}


def test_every_move_names_who_may_make_it():
    for move in REFERRAL_LIFECYCLE.moves.values():
        assert callable(move.who), move.name
        assert move.sources, move.name
        assert move.target not in move.sources, move.name


def test_the_organization_may_only_accept_decline_or_complete(sent):
    by_organization = {name for name, move in REFERRAL_LIFECYCLE.moves.items() if move.who(None, sent)}

    assert by_organization == {"accept", "reject", "complete"}


def test_a_move_without_a_user_is_refused_through_the_staff_service(sent):
    before = everything()

    with pytest.raises(PermissionDenied):
        services.referral_transition(version=sent.version, referral=sent, to=S.ACCEPTED, actor=None)

    assert everything() == before


def test_the_organization_marking_an_on_hold_referral_delivered_accepts_it_first(sent, coordinator):
    on_hold = services.referral_transition(
        version=sent.version, referral=sent, to=S.ON_HOLD, actor=coordinator, note="Waitlist"
    )

    done = services.organization_answer(
        version=on_hold.version, referral=on_hold, answer="delivered", note="Seen on Monday."
    )

    assert done.status == S.COMPLETED
    moves = list(done.events.order_by("at", "id").values_list("from_status", "to_status"))
    assert moves[-2:] == [(S.ON_HOLD, S.ACCEPTED), (S.ACCEPTED, S.COMPLETED)]
    assert done.accepted_at is not None
    assert done.closed_at is not None


# Who may


CALLS = {
    "referral_create": lambda f, a: services.referral_create(
        need=f["need"], actor=a, outside_provider="Clinic"
    ),
    "referral_transition": lambda f, a: services.referral_transition(
        version=f["referral"].version, referral=f["referral"], to=S.RECEIVED, actor=a
    ),
    "referral_link_revoke": lambda f, a: services.referral_link_revoke(
        version=f["referral"].version, referral=f["referral"], actor=a
    ),
    "appointment_create": lambda f, a: appointments.appointment_create(
        child=f["child"], case=f["case"], actor=a, provider="Clinic", start=timezone.now()
    ),
    "appointment_create_without_a_case": lambda f, a: appointments.appointment_create(
        child=f["child"], actor=a, provider="Dentist", start=timezone.now()
    ),
    "appointment_update": lambda f, a: appointments.appointment_update(
        appointment=f["appointment"], actor=a, version=f["appointment"].version, place="Elsewhere"
    ),
    "appointment_set_status": lambda f, a: appointments.appointment_set_status(
        appointment=f["appointment"],
        actor=a,
        version=f["appointment"].version,
        status=Appointment.Status.ATTENDED,
    ),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_a_coordinator_of_another_team_is_refused_and_nothing_changes(
    sent, therapy_need, appointment, mateo, case, outsider, name
):
    fixtures = {
        "need": therapy_need,
        "referral": sent,
        "appointment": appointment,
        "child": mateo,
        "case": case,
    }
    before = everything()

    with pytest.raises(PermissionDenied):
        CALLS[name](fixtures, outsider)

    assert everything() == before


# What a form checks, the service checks again


def test_a_service_no_longer_listed_cannot_be_referred_to(therapy_need, coordinator):
    closed = ServiceFactory(status=Service.Status.DEFUNCT)

    with pytest.raises(ValidationError) as refused:
        services.referral_create(need=therapy_need, actor=coordinator, service=closed)

    assert "service" in refused.value.message_dict
    assert not Referral.objects.exists()


def test_an_appointment_cannot_move_to_a_child_of_another_family(appointment, coordinator):
    stranger = ChildFactory(family=FamilyFactory(team=appointment.case.team, name="Nguyen household"))

    with pytest.raises(ValidationError) as refused:
        appointments.appointment_update(
            appointment=appointment, actor=coordinator, version=appointment.version, child=stranger
        )

    assert "child" in refused.value.message_dict
    appointment.refresh_from_db()
    assert appointment.child.first_name == "Mateo"
    assert appointment.version == 1


@pytest.mark.parametrize("details", ["", "   "], ids=["empty", "blank"])
def test_a_ride_arranged_must_say_how_when_booking(case, mateo, coordinator, details):
    with pytest.raises(ValidationError) as refused:
        appointments.appointment_create(
            child=mateo,
            case=case,
            actor=coordinator,
            provider="Riverton Pediatrics",
            start=timezone.now() + datetime.timedelta(days=3),
            transportation_arranged=True,
            transportation_details=details,
        )

    assert "transportation_details" in refused.value.message_dict
    assert not Appointment.objects.exists()


def test_a_ride_arranged_must_say_how_when_editing(appointment, coordinator):
    with pytest.raises(ValidationError) as refused:
        appointments.appointment_update(
            appointment=appointment,
            actor=coordinator,
            version=appointment.version,
            transportation_arranged=True,
        )

    assert "transportation_details" in refused.value.message_dict
    appointment.refresh_from_db()
    assert not appointment.transportation_arranged


@pytest.mark.parametrize("field", ["status", "case", "referral", "proposed_by_organization", "created_by"])
def test_an_appointment_edit_refuses_what_it_does_not_name(appointment, coordinator, field):
    before = everything()

    with pytest.raises(ValidationError, match="cannot be edited here"):
        appointments.appointment_update(
            appointment=appointment, actor=coordinator, version=appointment.version, **{field: None}
        )

    assert everything() == before


def test_an_appointment_edit_without_its_version_is_refused(appointment, coordinator):
    with pytest.raises(VersionMissing):
        appointments.appointment_update(
            appointment=appointment, actor=coordinator, version=None, place="Elsewhere"
        )

    appointment.refresh_from_db()
    assert appointment.place == "Children's Hospital"


def test_an_appointment_on_no_case_is_booked_by_staff_of_the_childs_family(mateo, coordinator):
    booked = appointments.appointment_create(
        child=mateo, actor=coordinator, provider="Dentist", start=timezone.now() + datetime.timedelta(days=3)
    )

    assert booked.case is None
    assert booked.created_by == coordinator
