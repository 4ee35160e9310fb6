import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.models import Notification, NotificationPreference
from notifications.services import (
    deliveries_for,
    delivery_for,
    notification_mark_read,
    notification_preferences_set,
    notifications_mark_all_read,
    notify,
)
from tests.notifications.factories import NotificationFactory

K = Notification.Kind
Delivery = NotificationPreference.Delivery
ACCEPTED = {"organization": "Pediatric Neuromuscular Clinic", "child": "Mateo", "need": "Medical"}


def test_notify_puts_one_item_in_each_recipients_inbox(coordinator, colleague):
    made = notify(
        recipients=[coordinator, colleague, coordinator],
        kind=K.REFERRAL_ACCEPTED,
        url="/cases/",
        params=ACCEPTED,
    )

    assert len(made) == 2
    assert Notification.objects.filter(recipient=coordinator).count() == 1


def test_notify_with_a_key_reports_once_per_recipient(coordinator):
    notify(recipients=[coordinator], kind=K.TASK_OVERDUE, url="/cases/", key="task-overdue:1")
    again = notify(recipients=[coordinator], kind=K.TASK_OVERDUE, url="/cases/", key="task-overdue:1")

    assert again == []
    assert Notification.objects.filter(recipient=coordinator, key="task-overdue:1").count() == 1


def test_notify_skips_inactive_users(coordinator, colleague):
    colleague.is_active = False
    colleague.save()

    notify(recipients=[coordinator, colleague], kind=K.REFERRAL_ACCEPTED, url="/cases/", params=ACCEPTED)

    assert not Notification.objects.filter(recipient=colleague).exists()


def test_notify_refuses_a_link_to_another_site(coordinator):
    with pytest.raises(ValueError, match="path on this site"):
        notify(
            recipients=[coordinator], kind=K.REFERRAL_ACCEPTED, url="https://evil.example/", params=ACCEPTED
        )
    with pytest.raises(ValueError, match="path on this site"):
        notify(recipients=[coordinator], kind=K.REFERRAL_ACCEPTED, url="//evil.example/", params=ACCEPTED)

    assert not Notification.objects.exists()


def test_notify_refuses_an_unknown_kind(coordinator):
    with pytest.raises(ValueError, match="Unknown"):
        notify(recipients=[coordinator], kind="gossip", url="/cases/")


def test_an_item_emailed_at_once_is_sent_only_after_the_change_commits(
    coordinator, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.CARECOORD_SITE_URL = "http://testserver/"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=[coordinator], kind=K.TASK_OVERDUE, url="/cases/", params={"title": "Call"})
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [coordinator.email]
    assert "http://testserver/cases/" in mailoutbox[0].body
    assert Notification.objects.get(recipient=coordinator).emailed_at is not None


def test_an_in_app_kind_is_not_emailed(coordinator, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=[coordinator], kind=K.REFERRAL_ACCEPTED, url="/cases/", params=ACCEPTED)

    assert callbacks == []
    assert mailoutbox == []


def test_an_immediate_email_is_written_in_the_recipients_language(
    coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator.language = "es"
    coordinator.save()

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[coordinator], kind=K.TASK_OVERDUE, url="/cases/", params={"title": "Llamar"})

    assert "Hola" in mailoutbox[0].body


def test_an_email_failure_keeps_the_item_unstamped_in_the_inbox(
    coordinator, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.failing_mail.Backend"

    with django_capture_on_commit_callbacks(execute=True):
        made = notify(recipients=[coordinator], kind=K.TASK_OVERDUE, url="/cases/", params={"title": "Call"})

    item = Notification.objects.get(pk=made[0].pk)
    assert item.emailed_at is None
    assert not item.is_read


def test_a_chosen_delivery_replaces_the_default(coordinator):
    assert delivery_for(coordinator, K.TASK_OVERDUE) == Delivery.IMMEDIATE
    assert delivery_for(coordinator, K.REFERRAL_ACCEPTED) == Delivery.IN_APP

    notification_preferences_set(
        actor=coordinator, choices={K.TASK_OVERDUE: Delivery.DIGEST, K.REFERRAL_ACCEPTED: Delivery.IMMEDIATE}
    )

    assert delivery_for(coordinator, K.TASK_OVERDUE) == Delivery.DIGEST
    assert delivery_for(coordinator, K.REFERRAL_ACCEPTED) == Delivery.IMMEDIATE


def test_choosing_the_default_again_keeps_no_row(coordinator):
    notification_preferences_set(actor=coordinator, choices={K.TASK_OVERDUE: Delivery.DIGEST})
    notification_preferences_set(actor=coordinator, choices={K.TASK_OVERDUE: Delivery.IMMEDIATE})

    assert not NotificationPreference.objects.filter(user=coordinator).exists()
    assert deliveries_for(coordinator)[K.TASK_OVERDUE] == Delivery.IMMEDIATE


def test_email_deliveries_need_an_email_address(coordinator):
    coordinator.email = ""
    coordinator.save()

    with pytest.raises(ValidationError) as error:
        notification_preferences_set(actor=coordinator, choices={K.REFERRAL_ACCEPTED: Delivery.DIGEST})

    assert K.REFERRAL_ACCEPTED in error.value.error_dict
    assert not NotificationPreference.objects.exists()


def test_preferences_refuse_unknown_kinds_and_deliveries_and_change_nothing(coordinator):
    with pytest.raises(ValidationError):
        notification_preferences_set(
            actor=coordinator, choices={K.REFERRAL_ACCEPTED: Delivery.DIGEST, "gossip": Delivery.DIGEST}
        )
    with pytest.raises(ValidationError):
        notification_preferences_set(actor=coordinator, choices={K.REFERRAL_ACCEPTED: "pigeon"})

    assert not NotificationPreference.objects.exists()


def test_a_family_user_has_no_inbox_preferences(family_user):
    with pytest.raises(PermissionDenied):
        notification_preferences_set(actor=family_user, choices={K.REFERRAL_ACCEPTED: Delivery.IN_APP})


def test_marking_read_twice_changes_nothing_the_second_time(coordinator):
    item = NotificationFactory(recipient=coordinator)

    assert notification_mark_read(notification=item, actor=coordinator) is True
    first = item.read_at
    assert notification_mark_read(notification=item, actor=coordinator) is False
    assert item.read_at == first


def test_no_one_marks_another_persons_item_read(coordinator, colleague):
    item = NotificationFactory(recipient=coordinator)

    with pytest.raises(Notification.DoesNotExist):
        notification_mark_read(notification=item, actor=colleague)

    item.refresh_from_db()
    assert item.read_at is None


def test_mark_all_read_touches_only_the_actors_unread_items(coordinator, colleague):
    NotificationFactory.create_batch(3, recipient=coordinator)
    theirs = NotificationFactory(recipient=colleague)

    assert notifications_mark_all_read(actor=coordinator) == 3
    assert notifications_mark_all_read(actor=coordinator) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
