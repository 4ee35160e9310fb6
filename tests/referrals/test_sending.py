"""A sent referral reaches its organization by itself: an email after commit, or a task to call."""

import datetime
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent, Task
from notifications.models import Notification
from referrals import delivery, services
from referrals.deadlines import referral_deadlines
from referrals.models import Referral, ReferralEvent
from tests.referrals.factories import contact_service, therapy_need

pytestmark = pytest.mark.django_db

S = Referral.Status


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message, as a real one does when it is down or full."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"intake@therapy.example.org": (550, b"mailbox unavailable")})


@pytest.fixture
def need(case, consent):
    return therapy_need(case)


def send(need, coordinator, service=None, **fields):
    return services.referral_create(
        need=need, actor=coordinator, service=service or contact_service(), send=True, **fields
    )


def test_sending_emails_the_services_referral_contact_after_commit(
    need, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        referral = send(need, coordinator, note="Mother speaks Spanish; call after 4 pm.")
    assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [message.to for message in mailoutbox] == [["intake@therapy.example.org"]]
    assert Referral.objects.get(pk=referral.pk).sent_to == "intake@therapy.example.org"


def test_the_email_carries_the_absolute_link_and_only_the_minimum(
    need, coordinator, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.CARECOORD_SITE_URL = "https://care.example.org/"
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(need, coordinator, note="Mother speaks Spanish; call after 4 pm.")
    body = mailoutbox[0].body
    link = "https://care.example.org" + reverse(
        "referrals:organization-link", args=[services.referral_link_token(referral)]
    )
    assert link in body
    assert "Mateo" in body
    assert f"{need.child.age} year" in body
    assert "Physical therapy" in body
    assert "Mother speaks Spanish; call after 4 pm." in body
    assert "Carmen Ortiz" in body
    assert coordinator.phone
    assert coordinator.phone in body  # the coordinator's own line, as on the organization page
    assert referral.acknowledge_due.strftime("%Y") in body
    assert need.child.last_name not in body
    assert need.description not in body


def test_a_coordinator_without_a_phone_of_their_own_gives_the_teams(
    need, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator.phone = ""
    coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        send(need, coordinator)
    assert "(555) 000-1234" in mailoutbox[0].body


def test_without_a_service_address_the_organizations_address_is_used(
    need, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(need, coordinator, service=contact_service(email=""))
    assert mailoutbox[0].to == ["front@therapy.example.org"]


def test_the_address_given_on_the_send_form_wins_and_is_kept(
    client, need, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    service = contact_service()
    client.force_login(coordinator)
    address = reverse("referrals:referral-new") + f"?need={need.uuid}&service={service.uuid}"
    assert 'value="intake@therapy.example.org"' in client.get(address).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            address, {"service": service.pk, "send": "on", "sent_to": "maria@clinic.example"}
        )
    assert response.status_code == 302
    assert mailoutbox[0].to == ["maria@clinic.example"]
    assert Referral.objects.get().sent_to == "maria@clinic.example"


def test_an_invalid_address_is_refused_and_nothing_is_sent(need, coordinator, mailoutbox):
    with pytest.raises(services.ValidationError):
        send(need, coordinator, sent_to="not an address")
    assert Referral.objects.count() == 0


def test_without_any_address_the_coordinator_gets_a_task_to_call_instead(
    need, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(need, coordinator, service=contact_service(email="", organization_email=""))
    assert mailoutbox == []
    task = Task.objects.get(rule_key=f"referral-call-organization:{referral.uuid}")
    assert task.title.startswith("Call the organization to pass on the referral")
    assert task.assignee == coordinator
    assert task.due_on == timezone.localdate()
    assert referral.events.filter(note__startswith="No email address").exists()


def test_sending_a_draft_later_emails_it_too(
    need, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    draft = services.referral_create(need=need, actor=coordinator, service=contact_service())
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_transition(version=draft.version, referral=draft, to=S.REQUESTED, actor=coordinator)
    assert len(mailoutbox) == 1


def test_a_draft_is_not_emailed(need, coordinator, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_create(need=need, actor=coordinator, service=contact_service())
    assert mailoutbox == []


def test_the_send_and_the_email_are_on_the_referral_and_case_timelines(
    need, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(need, coordinator)
    assert referral.events.filter(note="Sent by email to intake@therapy.example.org.").exists()
    assert CaseEvent.objects.filter(case=need.case, note__contains="intake@therapy.example.org").exists()


def test_a_refused_email_is_on_the_timeline_and_in_the_coordinators_inbox(
    need, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.referrals.test_sending.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(need, coordinator)
    assert referral.events.filter(note__contains="could not be sent").exists()
    assert CaseEvent.objects.filter(case=need.case, note__contains="could not be sent").exists()
    item = Notification.objects.get(recipient=coordinator, kind=Notification.Kind.REFERRAL_NOT_SENT)
    assert item.params == {
        "organization": referral.service.organization.name,
        "family": need.case.family.name,
    }
    assert Referral.objects.get(pk=referral.pk).status == S.REQUESTED


def test_sending_sets_the_deadlines_from_the_programs_business_days(need, coordinator):
    referral = send(need, coordinator)
    assert (referral.acknowledge_due, referral.outcome_due) == referral_deadlines(
        need.case.program, referral.requested_at
    )
    assert referral.acknowledge_due >= timezone.localdate()


def test_the_first_accept_stamps_the_acknowledgement(need, coordinator):
    referral = send(need, coordinator)
    accepted = services.organization_answer(version=referral.version, referral=referral, answer="accept")
    assert accepted.acknowledged_at == accepted.accepted_at


def test_a_decline_stamps_the_acknowledgement(need, coordinator):
    referral = send(need, coordinator)
    declined = services.organization_answer(
        version=referral.version, referral=referral, answer="decline", reason_code="not_eligible"
    )
    assert declined.acknowledged_at is not None
    assert declined.reason_code == Referral.ReasonCode.NOT_ELIGIBLE


def test_resend_from_the_referral_page_emails_the_new_address_and_keeps_it(
    client, need, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    referral = send(need, coordinator)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:referral-detail", args=[referral.uuid]),
            {"sent_to": "new@therapy.example.org", "version": referral.version},
        )
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["new@therapy.example.org"]]
    assert Referral.objects.get(pk=referral.pk).sent_to == "new@therapy.example.org"
    assert referral.events.filter(note="Sent again by email to new@therapy.example.org.").exists()


def test_resend_of_a_closed_referral_is_refused(need, coordinator, mailoutbox):
    referral = send(need, coordinator)
    referral = services.referral_transition(
        version=referral.version, referral=referral, to=S.CANCELLED, actor=coordinator, note="Moved"
    )
    with pytest.raises(services.ValidationError):
        services.referral_resend(
            version=referral.version, referral=referral, actor=coordinator, sent_to="new@therapy.example.org"
        )
    assert Referral.objects.get(pk=referral.pk).sent_to == "intake@therapy.example.org"


def test_resend_by_another_team_is_not_found_and_changes_nothing(
    client, need, coordinator, outsider, mailoutbox
):
    referral = send(need, coordinator)
    events = referral.events.count()
    client.force_login(outsider)
    response = client.post(
        reverse("referrals:referral-detail", args=[referral.uuid]), {"sent_to": "x@example.org"}
    )
    assert response.status_code == 404
    assert referral.events.count() == events


def test_the_referral_page_shows_the_address_the_note_and_a_copy_button(client, need, coordinator):
    referral = send(need, coordinator, note="Please call the mother.")
    client.force_login(coordinator)
    content = client.get(reverse("referrals:referral-detail", args=[referral.uuid])).content.decode()
    assert "intake@therapy.example.org" in content
    assert "Please call the mother." in content
    assert 'data-copy="organization-link"' in content
    assert "js/copy-link.js" in content
    assert "onclick" not in content


def test_an_organization_serving_only_in_spanish_is_written_to_in_spanish(need, coordinator):
    referral = send(need, coordinator, service=contact_service(languages=["es"]))
    assert delivery.organization_language(referral) == "es"


def test_an_organization_serving_in_english_or_listing_no_language_is_written_to_in_english(
    need, coordinator
):
    bilingual = send(need, coordinator, service=contact_service(languages=["es", "en"]))
    unlisted = send(need, coordinator, service=contact_service())
    assert delivery.organization_language(bilingual) == "en"
    assert delivery.organization_language(unlisted) == "en"


def test_an_outside_provider_with_an_email_contact_is_emailed_there(
    need, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_create(
            need=need,
            actor=coordinator,
            outside_provider="Dr. Ruiz",
            outside_contact="ruiz@clinic.example",
            send=True,
        )
    assert mailoutbox[0].to == ["ruiz@clinic.example"]


def test_deadlines_follow_the_program(need, coordinator):
    program = need.case.program
    program.acknowledge_business_days = 1
    program.outcome_business_days = 10
    program.save()
    referral = send(need, coordinator)
    assert referral.outcome_due - referral.acknowledge_due >= datetime.timedelta(days=9)


def test_no_event_is_left_behind_when_a_send_is_refused(need, coordinator):
    need.case.family.consents.all().delete()
    with pytest.raises(services.ConsentMissing):
        send(need, coordinator)
    assert ReferralEvent.objects.count() == 0
    assert Task.objects.count() == 0


def test_a_double_click_on_the_referral_status_form_shows_the_saved_result(
    client, coordinator, case, consent
):
    from referrals.models import Referral
    from tests.referrals.factories import ReferralFactory

    referral = ReferralFactory(need__case=case)
    client.force_login(coordinator)
    form = {"status": "accepted", "note": "", "version": referral.version}
    first = client.post(reverse("referrals:referral-status", args=[referral.uuid]), form)
    second = client.post(reverse("referrals:referral-status", args=[referral.uuid]), form)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("referrals:referral-detail", args=[referral.uuid])
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.events.filter(to_status="accepted").count() == 1
