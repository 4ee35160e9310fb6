from notifications.demo import ITEMS, seed_notifications
from notifications.models import Notification


def _places():
    return {
        place: {"url": f"/cases/{place}/", "family": "Hernández household", "organization": "Clinic"}
        for _key, _kind, place, *_rest in ITEMS
    }


def test_the_demo_inbox_has_read_unread_and_urgent_items_linking_to_their_places(coordinator):
    made = seed_notifications(recipient=coordinator, places=_places())

    items = Notification.objects.filter(recipient=coordinator)
    assert made == len(ITEMS) == items.count()
    assert items.filter(read_at__isnull=True).exists()
    assert items.filter(read_at__isnull=False).exists()
    assert all(item.url.startswith("/cases/") for item in items)
    assert not items.filter(emailed_at__isnull=True).exists()


def test_seeding_the_demo_inbox_twice_changes_nothing(coordinator):
    seed_notifications(recipient=coordinator, places=_places())
    before = list(Notification.objects.values_list("pk", "read_at", "created_at"))

    assert seed_notifications(recipient=coordinator, places=_places()) == 0
    assert list(Notification.objects.values_list("pk", "read_at", "created_at")) == before


def test_an_item_whose_record_is_missing_is_left_out(coordinator):
    places = _places()
    del places["hernandez_family"]

    assert seed_notifications(recipient=coordinator, places=places) == len(ITEMS) - 1
