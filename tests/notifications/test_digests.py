import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification, NotificationPreference
from notifications.services import digests_send, notification_preferences_set
from notifications.tasks import send_notification_digests
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

K = Notification.Kind
Delivery = NotificationPreference.Delivery


@pytest.fixture
def digest_reader(coordinator):
    """Carmen, who asked for accepted referrals in the morning digest."""
    notification_preferences_set(actor=coordinator, choices={K.REFERRAL_ACCEPTED: Delivery.DIGEST})
    return coordinator


def test_a_digest_lists_the_unread_items_of_the_chosen_kinds(digest_reader, mailoutbox, settings):
    settings.CARECOORD_SITE_URL = "https://carecoord.example/"
    NotificationFactory(
        recipient=digest_reader, url="/referrals/one/", params={"organization": "First Clinic"}
    )
    NotificationFactory(
        recipient=digest_reader, url="/referrals/two/", params={"organization": "Second Clinic"}
    )
    NotificationFactory(recipient=digest_reader, kind=K.CASE_REVIEWED, params={"supervisor": "Sam Rivera"})
    NotificationFactory(
        recipient=digest_reader, read_at=timezone.now(), params={"organization": "Read Clinic"}
    )

    assert digests_send() == 1

    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert mailoutbox[0].to == [digest_reader.email]
    assert "2 items for you" in mailoutbox[0].subject
    assert "First Clinic" in body
    assert "https://carecoord.example/referrals/two/" in body
    assert "Sam Rivera" not in body
    assert "Read Clinic" not in body


def test_running_the_digest_twice_sends_nothing_twice(digest_reader, mailoutbox):
    NotificationFactory(recipient=digest_reader, params={"organization": "Monday Clinic"})
    first_morning = timezone.now()
    digests_send(now=first_morning)
    digests_send(now=first_morning)
    assert len(mailoutbox) == 1

    tuesday = NotificationFactory(recipient=digest_reader, params={"organization": "Tuesday Clinic"})
    Notification.objects.filter(pk=tuesday.pk).update(created_at=first_morning + datetime.timedelta(hours=12))
    digests_send(now=first_morning + datetime.timedelta(days=1))
    digests_send(now=first_morning + datetime.timedelta(days=1, minutes=5))

    assert len(mailoutbox) == 2
    assert "Tuesday Clinic" in mailoutbox[1].body
    assert "Monday Clinic" not in mailoutbox[1].body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_an_item_made_after_the_run_waits_for_the_next_one(digest_reader, mailoutbox):
    NotificationFactory(recipient=digest_reader)

    assert digests_send(now=timezone.now() - datetime.timedelta(minutes=1)) == 0
    assert mailoutbox == []


def test_no_digest_for_people_who_did_not_choose_one(coordinator, mailoutbox):
    NotificationFactory(recipient=coordinator)

    assert digests_send() == 0
    assert mailoutbox == []


def test_no_digest_for_an_inactive_person(digest_reader, mailoutbox):
    NotificationFactory(recipient=digest_reader)
    digest_reader.is_active = False
    digest_reader.save()

    assert digests_send() == 0


def test_a_digest_is_written_in_the_readers_language(digest_reader, mailoutbox):
    digest_reader.language = "es"
    digest_reader.save()
    NotificationFactory(recipient=digest_reader)

    digests_send()

    assert "Hola" in mailoutbox[0].body


def test_a_digest_the_mail_server_refuses_is_tried_again_next_time(digest_reader, settings, mailoutbox):
    NotificationFactory(recipient=digest_reader)
    settings.EMAIL_BACKEND = "tests.notifications.failing_mail.Backend"

    assert digests_send() == 0
    assert Notification.objects.get().emailed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digests_send() == 1


def test_the_celery_task_and_the_command_send_the_digests(digest_reader, mailoutbox):
    NotificationFactory(recipient=digest_reader)
    assert send_notification_digests.delay().get() == 1

    NotificationFactory(recipient=digest_reader)
    call_command("send_notification_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert len(mailoutbox) == 2


def test_the_digest_is_scheduled_every_morning(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["notification-digests"]

    assert schedule["task"] == "notifications.tasks.send_notification_digests"
    assert schedule["schedule"].hour == {7}
