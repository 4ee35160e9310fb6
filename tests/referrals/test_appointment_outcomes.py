"""Appointment outcomes stay true: not before the start, corrections with a reason, no silent overwrite."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from carecoord.services import StaleEdit, VersionMissing
from cases.models import CaseEvent, Need
from cases.services import need_transition
from referrals import appointments
from referrals.models import Appointment, Referral
from tests.cases.factories import NeedFactory
from tests.referrals.factories import AppointmentFactory, ReferralFactory

pytestmark = pytest.mark.django_db

S = Appointment.Status


@pytest.fixture
def referral(case, mateo):
    return ReferralFactory(need=NeedFactory(case=case, child=mateo), status=Referral.Status.ACCEPTED)


def booked(case, *, hours_from_now=-1, referral=None):
    """An appointment that started an hour ago (or starts later, with ``hours_from_now`` positive)."""
    return AppointmentFactory(
        case=case,
        child=case.children.first() if referral is None else referral.need.child,
        referral=referral,
        provider="KVCH Neuromuscular Clinic",
        start=timezone.now() + datetime.timedelta(hours=hours_from_now),
    )


def record(appointment, actor, status, **fields):
    appointment.refresh_from_db()
    return appointments.appointment_set_status(
        appointment=appointment, actor=actor, status=status, version=appointment.version, **fields
    )


def outcome_url(appointment):
    return reverse("referrals:appointment-outcome", args=[appointment.uuid])


# Not before the appointment starts


def test_attended_cannot_be_recorded_before_the_appointment_starts(case, coordinator):
    appointment = booked(case, hours_from_now=2)

    with pytest.raises(ValidationError, match="only once it has started"):
        record(appointment, coordinator, S.ATTENDED)

    appointment.refresh_from_db()
    assert appointment.status == S.SCHEDULED


def test_missed_cannot_be_recorded_before_the_appointment_starts(case, coordinator):
    appointment = booked(case, hours_from_now=2)

    with pytest.raises(ValidationError, match="only once it has started"):
        record(appointment, coordinator, S.MISSED)


def test_a_future_appointment_can_be_cancelled(case, coordinator):
    appointment = booked(case, hours_from_now=48)

    assert record(appointment, coordinator, S.CANCELLED).status == S.CANCELLED


def test_the_page_offers_only_cancelling_before_the_start(client, case, coordinator):
    appointment = booked(case, hours_from_now=48)
    client.force_login(coordinator)

    form = client.get(outcome_url(appointment)).context["form"]

    assert [value for value, _label in form.fields["status"].choices] == [S.CANCELLED]


# Versions: Back, double clicks and someone else's change


def test_an_outcome_without_a_version_is_refused(case, coordinator):
    appointment = booked(case)

    with pytest.raises(VersionMissing):
        appointments.appointment_set_status(
            appointment=appointment, actor=coordinator, status=S.MISSED, version=None
        )


def test_the_same_outcome_sent_twice_by_the_same_person_returns_the_saved_result(case, coordinator):
    appointment = booked(case)
    opened_on = appointment.version
    appointments.appointment_set_status(
        appointment=appointment, actor=coordinator, status=S.MISSED, version=opened_on
    )

    again = appointments.appointment_set_status(
        appointment=appointment, actor=coordinator, status=S.MISSED, version=opened_on
    )

    assert again.status == S.MISSED
    assert again.version == opened_on + 1
    assert case.events.filter(note__startswith="Appointment missed").count() == 1


def test_a_double_click_on_the_page_shows_the_saved_result(client, case, coordinator):
    appointment = booked(case)
    client.force_login(coordinator)
    data = {"status": S.MISSED, "version": appointment.version}
    client.post(outcome_url(appointment), data)

    response = client.post(outcome_url(appointment), data, follow=True)

    assert response.status_code == 200
    assert "Appointment updated: Missed." in response.content.decode()
    assert case.events.filter(note__startswith="Appointment missed").count() == 1


def test_an_outcome_decided_before_another_change_is_refused_with_the_current_values(
    client, case, coordinator, colleague
):
    appointment = booked(case)
    opened_on = appointment.version
    record(appointment, colleague, S.CANCELLED)
    client.force_login(coordinator)

    response = client.post(outcome_url(appointment), {"status": S.MISSED, "version": opened_on})

    assert response.status_code == 200
    assert ("What happened", "Cancelled") in response.context["current"]
    assert "Nothing was saved" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == S.CANCELLED


def test_the_same_outcome_from_someone_else_on_an_old_version_is_refused(case, coordinator, colleague):
    appointment = booked(case)
    opened_on = appointment.version
    record(appointment, colleague, S.MISSED)

    with pytest.raises(StaleEdit):
        appointments.appointment_set_status(
            appointment=appointment, actor=coordinator, status=S.MISSED, version=opened_on
        )


# The outcome form


def test_the_recorded_outcome_is_shown_on_the_form(client, case, coordinator):
    appointment = booked(case)
    record(appointment, coordinator, S.MISSED)
    client.force_login(coordinator)

    response = client.get(outcome_url(appointment))

    assert "<strong>Missed</strong>" in response.content.decode()
    assert "Why is the recorded outcome corrected?" in response.content.decode()


def test_the_boxes_are_ticked_only_when_the_form_proposes_attended(client, case, coordinator, referral):
    client.force_login(coordinator)
    started = booked(case, referral=referral)
    later = booked(case, hours_from_now=24, referral=referral)

    proposed = client.get(outcome_url(started)).context["form"]
    cancelling = client.get(outcome_url(later)).context["form"]

    assert proposed.initial["status"] == S.ATTENDED
    assert proposed.initial["complete_referral"]
    assert proposed.initial["mark_need_met"]
    assert not cancelling.initial["complete_referral"]
    assert not cancelling.initial["mark_need_met"]


def test_the_boxes_are_ignored_unless_attended(client, case, coordinator, referral):
    appointment = booked(case, referral=referral)
    client.force_login(coordinator)

    client.post(
        outcome_url(appointment),
        {
            "status": S.MISSED,
            "complete_referral": "on",
            "mark_need_met": "on",
            "version": appointment.version,
        },
    )

    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.need.status == Need.Status.OPEN


# Corrections


def test_correcting_an_outcome_needs_a_reason(case, coordinator):
    appointment = booked(case)
    record(appointment, coordinator, S.MISSED)

    with pytest.raises(ValidationError, match="Say why the recorded outcome is corrected"):
        record(appointment, coordinator, S.ATTENDED)

    appointment.refresh_from_db()
    assert appointment.status == S.MISSED


def test_a_correction_is_recorded_as_such_on_the_timeline(case, coordinator):
    appointment = booked(case)
    record(appointment, coordinator, S.MISSED)

    record(appointment, coordinator, S.ATTENDED, note="The clinic confirmed she came, 20 minutes late.")

    event = case.events.filter(kind=CaseEvent.Kind.REFERRAL).order_by("-at", "-pk").first()
    assert event.note.startswith("Appointment outcome corrected from missed to attended")
    assert event.note.endswith("The clinic confirmed she came, 20 minutes late.")
    assert event.actor == coordinator


def test_attended_cannot_be_corrected_while_its_referral_is_completed(case, coordinator, referral):
    appointment = booked(case, referral=referral)
    record(appointment, coordinator, S.ATTENDED, complete_referral=True)

    with pytest.raises(ValidationError) as refused:
        record(appointment, coordinator, S.MISSED, note="Marked by mistake.")

    assert f"the referral to {referral.recipient} is completed" in str(refused.value)
    appointment.refresh_from_db()
    assert appointment.status == S.ATTENDED


def test_attended_cannot_be_corrected_while_its_need_is_met_and_can_once_reopened(
    case, coordinator, referral
):
    appointment = booked(case, referral=referral)
    record(appointment, coordinator, S.ATTENDED, mark_need_met=True)
    need = Need.objects.get(pk=referral.need_id)

    with pytest.raises(ValidationError, match="is met"):
        record(appointment, coordinator, S.MISSED, note="Marked by mistake.")

    need_transition(version=need.version, need=need, actor=coordinator, to=Need.Status.OPEN)
    assert record(appointment, coordinator, S.MISSED, note="Marked by mistake.").status == S.MISSED


def test_a_refused_correction_on_the_page_names_what_stands(client, case, coordinator, referral):
    appointment = booked(case, referral=referral)
    record(appointment, coordinator, S.ATTENDED, complete_referral=True, mark_need_met=True)
    appointment.refresh_from_db()
    client.force_login(coordinator)

    response = client.post(
        outcome_url(appointment), {"status": S.MISSED, "note": "Wrong child.", "version": appointment.version}
    )

    page = response.content.decode()
    assert "is completed" in page
    assert "is met" in page
    appointment.refresh_from_db()
    assert appointment.status == S.ATTENDED


def test_a_closed_cases_appointments_cannot_be_booked_changed_or_marked(coordinator, case):
    from cases.models import Case

    booked = appointments.appointment_create(
        child=case.children.first(),
        case=case,
        actor=coordinator,
        provider="Clinic",
        start=timezone.now() - datetime.timedelta(hours=2),
    )
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED, closed_at=timezone.now(), closure_reason="goals_met"
    )
    case.refresh_from_db()
    booked.refresh_from_db()
    with pytest.raises(ValidationError, match="Reopen the case"):
        appointments.appointment_create(
            child=case.children.first(), case=case, actor=coordinator, provider="Clinic", start=timezone.now()
        )
    with pytest.raises(ValidationError, match="Reopen the case"):
        appointments.appointment_update(
            appointment=booked, actor=coordinator, version=booked.version, place="X"
        )
    with pytest.raises(ValidationError, match="Reopen the case"):
        appointments.appointment_set_status(
            appointment=booked, actor=coordinator, status="attended", version=booked.version
        )
    booked.refresh_from_db()
    assert (booked.status, booked.place) == ("scheduled", "")
