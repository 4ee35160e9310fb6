"""What the organization's page shows and what its answers do: the booked appointment, coded
declines, and an inbox item for the coordinator after each answer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from referrals import services
from referrals.models import Appointment, Referral
from tests.queries import assert_queries_bounded
from tests.referrals.factories import ServiceFactory, contact_service, therapy_need

pytestmark = pytest.mark.django_db

S = Referral.Status
K = Notification.Kind


@pytest.fixture
def referral(case, consent, coordinator):
    family = case.family
    family.interpreter_needed = True
    family.save()
    need = therapy_need(case, description="Physical therapy twice a week to keep him walking.")
    return services.referral_create(
        need=need, actor=coordinator, service=contact_service(), note="Call the mother after 4 pm.", send=True
    )


def url(referral):
    return reverse("referrals:organization-link", args=[services.referral_link_token(referral)])


def post(client, referral, action, **fields):
    """Post an answer as the page does: with the version of the referral it showed, unless given."""
    fields.setdefault("version", Referral.objects.get(pk=referral.pk).version)
    data = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(url(referral), data)


def in_five_days(hour=10):
    return (timezone.localtime() + datetime.timedelta(days=5)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def propose(client, referral, **fields):
    data = {
        "start": in_five_days().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "place": "Harbor Clinic",
        "instructions_for_family": "Bring the Medicaid card and his braces.",
        "transportation_arranged": "on",
        "transportation_details": "Medicaid van picks up at 9:00.",
        **fields,
    }
    return post(client, referral, "propose", **data)


def test_the_page_shows_language_interpreter_age_need_note_and_deadlines(client, referral):
    content = client.get(url(referral)).content.decode()
    assert "Spanish" in content
    assert "an interpreter is needed" in content
    assert f"{referral.child.age} year" in content
    assert "Physical therapy twice a week to keep him walking." in content
    assert "Call the mother after 4 pm." in content
    assert 'data-testid="referral-due"' in content
    assert referral.acknowledge_due.strftime("%Y") in content


def test_a_proposed_appointment_carries_what_to_bring_and_the_ride_to_the_family(client, referral):
    assert propose(client, referral).status_code == 302
    appointment = Appointment.objects.get(referral=referral)
    assert appointment.instructions_for_family == "Bring the Medicaid card and his braces."
    assert appointment.transportation_arranged
    assert appointment.transportation_details == "Medicaid van picks up at 9:00."
    assert appointment.internal_notes == ""


def test_a_ride_without_details_is_refused_and_nothing_is_booked(client, referral):
    response = propose(client, referral, transportation_details="")
    assert response.status_code == 200
    assert "Say how the family gets there" in response.content.decode()
    assert not Appointment.objects.exists()
    assert Referral.objects.get(pk=referral.pk).status == S.REQUESTED


def test_after_proposing_the_page_shows_the_booking_instead_of_a_new_form(client, referral):
    propose(client, referral)
    content = client.get(url(referral)).content.decode()
    assert 'data-testid="booked-appointment"' in content
    assert "Harbor Clinic" in content
    assert 'value="propose"' not in content
    assert 'value="change"' in content
    assert 'value="cancel"' in content


def test_a_second_booking_is_refused_by_the_service(client, referral):
    propose(client, referral)
    with pytest.raises(services.ValidationError):
        services.organization_propose_appointment(
            version=referral.version,
            referral=referral,
            start=in_five_days(14),
            duration_minutes=30,
            place="Elsewhere",
        )
    assert Appointment.objects.count() == 1


def test_the_organization_changes_its_booked_appointment(client, referral):
    propose(client, referral)
    appointment = Appointment.objects.get()
    response = post(
        client,
        referral,
        "change",
        start=in_five_days(15).strftime("%Y-%m-%dT%H:%M"),
        duration_minutes="60",
        place="Harbor Clinic, 2nd floor",
        instructions_for_family="Bring his braces.",
        transportation_details="",
        version=appointment.version,
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert timezone.localtime(appointment.start).hour == 15
    assert appointment.place == "Harbor Clinic, 2nd floor"
    assert not appointment.transportation_arranged
    assert referral.events.filter(note__startswith="Appointment changed").exists()
    assert Notification.objects.filter(
        kind=K.APPOINTMENT_CHANGED, recipient=referral.case.coordinator
    ).exists()


def test_a_change_made_on_an_older_version_is_refused(client, referral):
    propose(client, referral)
    appointment = Appointment.objects.get()
    response = post(
        client,
        referral,
        "change",
        start=in_five_days(15).strftime("%Y-%m-%dT%H:%M"),
        duration_minutes="60",
        place="Somewhere else",
        version=appointment.version - 1,
    )
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.place == "Harbor Clinic"


def test_the_organization_cancels_its_booked_appointment_and_may_propose_again(client, referral):
    propose(client, referral)
    appointment = Appointment.objects.get()
    response = post(client, referral, "cancel", note="The therapist is ill.", version=appointment.version)
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert Referral.objects.get(pk=referral.pk).status == S.ACCEPTED
    assert Notification.objects.filter(kind=K.APPOINTMENT_CANCELLED).exists()
    assert 'value="propose"' in client.get(url(referral)).content.decode()


def test_an_appointment_the_coordinator_booked_is_not_the_organizations_to_change(referral, coordinator):
    other = Appointment.objects.create(
        child=referral.child, case=referral.case, referral=referral, provider="Clinic", start=in_five_days()
    )
    with pytest.raises(services.ValidationError):
        services.organization_appointment_cancel(referral=referral, appointment=other, version=other.version)
    other.refresh_from_db()
    assert other.status == Appointment.Status.SCHEDULED


def test_declining_needs_a_coded_reason(client, referral):
    response = post(client, referral, "decline", note="Full.")
    assert response.status_code == 200
    assert Referral.objects.get(pk=referral.pk).status == S.REQUESTED


def test_declining_for_another_reason_needs_words(client, referral):
    response = post(client, referral, "decline", reason_code="other", note="")
    assert response.status_code == 200
    assert "Say what the other reason is." in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == S.REQUESTED


def test_the_organization_cannot_choose_filled_elsewhere(client, referral):
    response = post(client, referral, "decline", reason_code="filled_elsewhere")
    assert response.status_code == 200
    assert Referral.objects.get(pk=referral.pk).status == S.REQUESTED


def test_staff_marking_failed_choose_a_reason_code(client, referral, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("referrals:referral-status", args=[referral.uuid]),
        {"status": "failed", "reason_code": "family_unreachable", "note": "", "version": referral.version},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.reason_code) == (S.FAILED, Referral.ReasonCode.FAMILY_UNREACHABLE)
    assert referral.status_reason == "Could not reach the family"


def test_accepting_tells_the_coordinator(client, referral):
    post(client, referral, "accept", note="")
    item = Notification.objects.get(kind=K.REFERRAL_ACCEPTED)
    assert item.recipient == referral.case.coordinator
    assert item.params["child"] == "Mateo"
    assert item.url == reverse("referrals:referral-detail", args=[referral.uuid])


def test_declining_tells_the_coordinator_why(client, referral):
    post(client, referral, "decline", reason_code="not_eligible", note="Over our age limit.")
    item = Notification.objects.get(kind=K.REFERRAL_DECLINED)
    assert item.params["reason"] == "Over our age limit."


def test_proposing_tells_the_coordinator_when(client, referral):
    propose(client, referral)
    item = Notification.objects.get(kind=K.APPOINTMENT_PROPOSED)
    assert item.params["when"] == in_five_days().isoformat()


def test_delivering_tells_the_coordinator(client, referral):
    post(client, referral, "delivered", note="")
    assert Notification.objects.filter(kind=K.SERVICE_DELIVERED, recipient=referral.case.coordinator).exists()


def test_a_refused_answer_tells_no_one(client, referral):
    post(client, referral, "decline", note="")
    assert not Notification.objects.exists()


def test_the_page_query_count_does_not_grow_with_appointments_and_history(client, referral):
    propose(client, referral)
    address = url(referral)

    def add_history(count):
        for _ in range(count):
            services.referral_resend(
                version=Referral.objects.get(pk=referral.pk).version,
                referral=referral,
                actor=referral.case.coordinator,
                sent_to="a@example.org",
            )
            Appointment.objects.create(
                child=referral.child, case=referral.case, provider="Other", start=in_five_days()
            )
            ServiceFactory()

    def load():
        assert client.get(address).status_code == 200

    assert_queries_bounded(add_rows=add_history, load=load, ceiling=5)


def test_accepting_twice_shows_the_thanks_again_and_tells_the_coordinator_once(client, referral):
    version = referral.version  # both from the same page
    first = post(client, referral, "accept", version=version)
    second = post(client, referral, "accept", version=version)

    assert first.status_code == second.status_code == 302
    assert Referral.objects.get(pk=referral.pk).events.filter(to_status=S.ACCEPTED).count() == 1
    assert Notification.objects.filter(kind=K.REFERRAL_ACCEPTED).count() == 1
