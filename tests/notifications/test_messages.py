from django.utils import translation

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory

K = Notification.Kind


def test_an_item_reads_in_english_for_an_english_reader(coordinator):
    item = NotificationFactory(
        recipient=coordinator,
        kind=K.TASK_OVERDUE,
        params={"title": "Call", "due_on": "2026-03-02", "family": "Hernández household"},
    )

    with translation.override("en"):
        assert item.message == "Overdue since March 2, 2026: Call (Hernández household)"


def test_the_same_item_reads_in_spanish_for_a_spanish_reader(coordinator):
    item = NotificationFactory(recipient=coordinator, kind=K.REFERRAL_ACCEPTED)

    with translation.override("es"):
        spanish = item.message
    with translation.override("en"):
        english = item.message

    assert spanish != english
    assert "Pediatric Neuromuscular Clinic" in spanish
    assert "Mateo" in spanish


def test_dates_read_in_the_readers_language(coordinator):
    item = NotificationFactory(
        recipient=coordinator, kind=K.TASK_OVERDUE, params={"title": "Llamar", "due_on": "2026-03-02"}
    )

    with translation.override("es"):
        assert "marzo" in item.message


def test_a_missing_parameter_reads_as_empty_rather_than_breaking_the_inbox(coordinator):
    item = NotificationFactory(recipient=coordinator, kind=K.REFERRAL_ACCEPTED, params={})

    with translation.override("en"):
        assert item.message == " accepted the referral for  ()."


def test_a_value_ending_with_a_full_stop_does_not_double_it(coordinator):
    item = NotificationFactory(
        recipient=coordinator,
        kind=K.APPOINTMENT_PROPOSED,
        params={"organization": "Clinic", "child": "Mateo", "when": "2026-03-02T20:00:00+00:00"},
    )

    with translation.override("en"):
        assert item.message.endswith("p.m.")


def test_a_date_given_as_a_date_time_reads_as_its_day(coordinator):
    item = NotificationFactory(
        recipient=coordinator,
        kind=K.TASK_OVERDUE,
        params={"title": "Call", "due_on": "2026-03-02T15:00:00+00:00"},
    )

    with translation.override("en"):
        assert item.message.startswith("Overdue since March 2, 2026:")


def test_the_need_is_named_by_its_category_in_the_readers_language(coordinator):
    params = {"organization": "Clinic", "child": "Mateo", "need": "behavioral_health"}
    item = NotificationFactory(recipient=coordinator, kind=K.REFERRAL_ACCEPTED, params=params)

    with translation.override("en"):
        assert item.message == "Clinic accepted the referral for Mateo (Behavioral health)."
    with translation.override("es"):
        assert item.message.endswith("(Salud mental y conductual).")


def test_a_need_stored_as_words_before_codes_reads_as_stored(coordinator):
    params = {"organization": "Clinic", "child": "Mateo", "need": "Medical"}
    item = NotificationFactory(recipient=coordinator, kind=K.REFERRAL_ACCEPTED, params=params)

    with translation.override("en"):
        assert item.message.endswith("(Medical).")
