"""Reminder emails two days before each appointment, in the family's language, sent once."""

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.models import AppointmentReminder
from portal.services import appointment_reminders_send
from portal.tasks import send_appointment_reminders
from tests.cases.factories import CaregiverFactory, CaseFactory, FamilyFactory

from .factories import PortalAppointmentFactory

pytestmark = pytest.mark.django_db

MARKER = "INTERNAL-MARKER-MAIL"


@pytest.fixture
def tomorrow(case, mateo, caregiver):
    return PortalAppointmentFactory(
        case=case,
        child=mateo,
        provider="Pediatric Neuromuscular Clinic",
        start=timezone.now() + datetime.timedelta(days=1, hours=2),
        instructions_for_family="Traiga la tarjeta de Medicaid.",
        internal_notes=f"{MARKER} notes",
    )


def test_reminder_is_sent_once(tomorrow):
    assert appointment_reminders_send() == 1
    assert appointment_reminders_send() == 0
    assert len(mail.outbox) == 1
    assert AppointmentReminder.objects.get().appointment == tomorrow


def test_reminder_is_in_the_familys_language_and_shows_nothing_internal(tomorrow):
    appointment_reminders_send()
    message = mail.outbox[0]
    assert message.to == ["maria@example.org"]
    assert "Mateo" in message.subject
    assert "Pediatric Neuromuscular Clinic" in message.body
    assert "Traiga la tarjeta de Medicaid." in message.body
    # Django's own Spanish for the weekday and the month.
    start = timezone.localtime(tomorrow.start)
    weekdays = ["Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo"]
    assert weekdays[start.weekday()] in message.body
    assert start.strftime("%H:%M") in message.body
    assert MARKER not in message.body
    assert settings.CARECOORD_SITE_URL in message.body
    assert AppointmentReminder.objects.get().language == "es"


def test_english_family_gets_an_english_reminder(db):
    family = FamilyFactory(preferred_language="en")
    CaregiverFactory(family=family, email="pat@example.org")
    PortalAppointmentFactory(
        case=CaseFactory(family=family), start=timezone.now() + datetime.timedelta(hours=30)
    )
    appointment_reminders_send()
    assert mail.outbox[0].subject.startswith("Reminder:")
    assert AppointmentReminder.objects.get().language == "en"


def test_no_reminder_for_appointments_further_off_cancelled_or_past(case, mateo, caregiver):
    PortalAppointmentFactory(case=case, child=mateo, start=timezone.now() + datetime.timedelta(days=3))
    PortalAppointmentFactory(
        case=case, child=mateo, start=timezone.now() + datetime.timedelta(days=1), status="cancelled"
    )
    PortalAppointmentFactory(case=case, child=mateo, start=timezone.now() - datetime.timedelta(hours=1))
    assert appointment_reminders_send() == 0
    assert mail.outbox == []


def test_appointment_moved_closer_gets_its_reminder_when_it_enters_the_window(case, mateo, caregiver):
    appointment = PortalAppointmentFactory(
        case=case, child=mateo, start=timezone.now() + datetime.timedelta(days=5)
    )
    assert appointment_reminders_send() == 0
    assert appointment_reminders_send(now=appointment.start - datetime.timedelta(days=2)) == 1
    assert len(mail.outbox) == 1


def test_family_without_email_is_recorded_and_not_retried(db):
    family = FamilyFactory(email="")
    CaregiverFactory(family=family, email="")
    PortalAppointmentFactory(
        case=CaseFactory(family=family), start=timezone.now() + datetime.timedelta(days=1)
    )
    assert appointment_reminders_send() == 1
    assert appointment_reminders_send() == 0
    assert mail.outbox == []
    assert AppointmentReminder.objects.get().recipients == ""


def test_failed_email_is_tried_again_next_run(tomorrow, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("portal.services.send_mail", broken)
    with pytest.raises(ConnectionError):
        appointment_reminders_send()
    assert not AppointmentReminder.objects.exists()
    monkeypatch.undo()
    assert appointment_reminders_send() == 1
    assert len(mail.outbox) == 1


def test_celery_task_and_command_send_the_same_reminders_once(tomorrow):
    assert send_appointment_reminders.delay().get() == 1
    out = StringIO()
    call_command("send_appointment_reminders", stdout=out)
    assert "Reminders sent: 0" in out.getvalue()
    assert len(mail.outbox) == 1


def test_reminder_task_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "portal.tasks.send_appointment_reminders" in tasks
