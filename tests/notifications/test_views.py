import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationPreference
from tests.notifications.factories import NotificationFactory
from tests.queries import assert_queries_bounded

pytestmark = pytest.mark.django_db

K = Notification.Kind
INBOX = reverse("notifications:inbox")


def test_the_inbox_lists_only_the_signed_in_persons_items_newest_first(client, coordinator, colleague):
    NotificationFactory(recipient=coordinator, params={"organization": "Older Clinic", "child": "Mateo"})
    NotificationFactory(recipient=coordinator, params={"organization": "Newer Clinic", "child": "Mateo"})
    NotificationFactory(recipient=colleague, params={"organization": "Jordan's Clinic", "child": "Lucía"})
    client.force_login(coordinator)

    page = client.get(INBOX).content.decode()

    assert page.index("Newer Clinic") < page.index("Older Clinic")
    assert "Jordan&#x27;s Clinic" not in page


def test_the_unread_filter_hides_read_items(client, coordinator):
    NotificationFactory(recipient=coordinator, params={"organization": "Unread Clinic"})
    read = NotificationFactory(recipient=coordinator, params={"organization": "Read Clinic"})
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00:00Z")
    client.force_login(coordinator)

    page = client.get(INBOX, {"show": "unread"}).content.decode()

    assert "Unread Clinic" in page
    assert "Read Clinic" not in page


def test_an_urgent_item_is_marked_urgent(client, coordinator):
    NotificationFactory(recipient=coordinator, kind=K.ESCALATION, urgent=True)
    client.force_login(coordinator)

    assert "badge-urgent" in client.get(INBOX).content.decode()


def test_a_family_user_gets_a_404_for_the_inbox(client, family_user):
    client.force_login(family_user)

    assert client.get(INBOX).status_code == 404
    assert client.get(reverse("notifications:preferences")).status_code == 404


def test_opening_an_item_marks_it_read_and_goes_to_its_place(client, coordinator):
    item = NotificationFactory(recipient=coordinator, url="/cases/somewhere/")
    client.force_login(coordinator)

    response = client.post(reverse("notifications:open", args=[item.uuid]))

    assert response.status_code == 302
    assert response["Location"] == "/cases/somewhere/"
    item.refresh_from_db()
    assert item.is_read


def test_opening_an_item_whose_link_leaves_the_site_stays_in_the_inbox(client, coordinator):
    item = NotificationFactory(recipient=coordinator, url="//evil.example/")
    client.force_login(coordinator)

    response = client.post(reverse("notifications:open", args=[item.uuid]))

    assert response["Location"].startswith(INBOX)


def test_opening_is_a_post_only(client, coordinator):
    item = NotificationFactory(recipient=coordinator)
    client.force_login(coordinator)

    assert client.get(reverse("notifications:open", args=[item.uuid])).status_code == 405
    item.refresh_from_db()
    assert not item.is_read


def test_mark_read_marks_one_item_and_returns_to_the_same_inbox_page(client, coordinator):
    item = NotificationFactory(recipient=coordinator)
    other = NotificationFactory(recipient=coordinator)
    client.force_login(coordinator)

    response = client.post(
        reverse("notifications:mark-read", args=[item.uuid]), {"show": "unread", "page": "2"}
    )

    assert response["Location"] == f"{INBOX}?show=unread&page=2"
    item.refresh_from_db()
    other.refresh_from_db()
    assert item.is_read
    assert not other.is_read


def test_another_persons_item_is_a_404_and_stays_unread(client, coordinator, colleague):
    theirs = NotificationFactory(recipient=colleague)
    client.force_login(coordinator)

    assert client.post(reverse("notifications:mark-read", args=[theirs.uuid])).status_code == 404
    assert client.post(reverse("notifications:open", args=[theirs.uuid])).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_mark_all_read_twice_is_harmless(client, coordinator, colleague):
    NotificationFactory.create_batch(3, recipient=coordinator)
    theirs = NotificationFactory(recipient=colleague)
    client.force_login(coordinator)

    first = client.post(reverse("notifications:mark-all-read"))
    second = client.post(reverse("notifications:mark-all-read"))

    assert first.status_code == second.status_code == 302
    assert not Notification.objects.filter(recipient=coordinator, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_mark_all_read_needs_the_csrf_token(coordinator):
    from django.test import Client

    NotificationFactory(recipient=coordinator)
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)

    assert client.post(reverse("notifications:mark-all-read")).status_code == 403
    assert Notification.objects.filter(recipient=coordinator, read_at__isnull=True).count() == 1


def test_the_header_shows_the_unread_count_on_staff_pages(client, coordinator):
    NotificationFactory.create_batch(3, recipient=coordinator)
    NotificationFactory(recipient=coordinator, read_at="2026-01-01T00:00:00Z")
    client.force_login(coordinator)

    page = client.get(reverse("cases:caseload")).content.decode()

    assert reverse("notifications:inbox") in page
    assert "3 unread items" in page


def test_the_header_shows_no_count_when_everything_is_read(client, coordinator):
    client.force_login(coordinator)

    page = client.get(reverse("cases:caseload")).content.decode()

    assert 'data-testid="unread-count"' not in page
    assert 'data-testid="nav-for-you"' in page


def test_a_family_page_makes_no_unread_count_query(client, family_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(family_user)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("portal:home"))

    assert not any("notifications_notification" in query["sql"] for query in queries.captured_queries)


def test_the_inbox_query_count_does_not_grow_with_items(client, coordinator):
    client.force_login(coordinator)

    def add_rows(count):
        NotificationFactory.create_batch(count, recipient=coordinator)

    def load():
        assert client.get(INBOX).status_code == 200

    assert_queries_bounded(add_rows=add_rows, load=load, ceiling=6)


def test_preferences_show_the_defaults(client, coordinator):
    client.force_login(coordinator)

    form = client.get(reverse("notifications:preferences")).context["form"]

    assert form[K.TASK_OVERDUE].value() == NotificationPreference.Delivery.IMMEDIATE
    assert form[K.REFERRAL_ACCEPTED].value() == NotificationPreference.Delivery.IN_APP


def test_preferences_are_saved(client, coordinator):
    client.force_login(coordinator)
    data = {kind: NotificationPreference.Delivery.IN_APP for kind in K.values}
    data[K.REFERRAL_ACCEPTED] = NotificationPreference.Delivery.DIGEST

    response = client.post(reverse("notifications:preferences"), data)

    assert response.status_code == 302
    chosen = dict(NotificationPreference.objects.filter(user=coordinator).values_list("kind", "delivery"))
    assert chosen[K.REFERRAL_ACCEPTED] == NotificationPreference.Delivery.DIGEST
    assert chosen[K.TASK_OVERDUE] == NotificationPreference.Delivery.IN_APP


def test_an_email_choice_without_an_email_address_is_refused_on_the_form(client, coordinator):
    coordinator.email = ""
    coordinator.save()
    client.force_login(coordinator)
    data = {kind: NotificationPreference.Delivery.IN_APP for kind in K.values}
    data[K.REFERRAL_ACCEPTED] = NotificationPreference.Delivery.DIGEST

    response = client.post(reverse("notifications:preferences"), data)

    assert response.status_code == 200
    assert response.context["form"].errors[K.REFERRAL_ACCEPTED]
    assert not NotificationPreference.objects.filter(delivery=NotificationPreference.Delivery.DIGEST).exists()
