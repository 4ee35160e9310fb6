"""The private calendar feed: parses back with the right events and time zone; revocable, regenerable."""

import datetime
import uuid
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from portal import services
from portal.models import CalendarFeed, new_secret, secret_hash
from tests.cases.factories import CaseFactory, FamilyFactory
from tests.queries import assert_queries_bounded

from .factories import PortalAppointmentFactory

pytestmark = pytest.mark.django_db

MARKER = "INTERNAL-MARKER-ICS"


@pytest.fixture
def appointments(case, mateo):
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    day = timezone.localdate() + datetime.timedelta(days=10)
    upcoming = PortalAppointmentFactory(
        case=case,
        child=mateo,
        provider="Pediatric Neuromuscular Clinic",
        place="KVCH Main Campus",
        address="100 Lighthouse Road",
        start=datetime.datetime(day.year, day.month, day.day, 9, 30, tzinfo=zone),
        duration_minutes=45,
        transportation_arranged=True,
        transportation_details="Medicaid van",
        internal_notes=f"{MARKER} notes",
    )
    cancelled = PortalAppointmentFactory(
        case=case, child=mateo, provider="Speech Therapy Center", status="cancelled", internal_notes=MARKER
    )
    other_family = PortalAppointmentFactory(
        case=CaseFactory(family=FamilyFactory()), provider="Other Family Clinic"
    )
    return {"upcoming": upcoming, "cancelled": cancelled, "other": other_family}


def feed_url(feed):
    return reverse("portal:calendar-feed", args=[feed.uuid, services.calendar_feed_secret(feed)])


def test_feed_parses_back_with_the_familys_events_in_the_centers_time_zone(
    client, caregiver, family_user, appointments
):
    feed = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    response = client.get(feed_url(feed))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)

    timezones = [component for component in calendar.walk("VTIMEZONE")]
    assert [str(zone["TZID"]) for zone in timezones] == [settings.TIME_ZONE]
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"{appointments['upcoming'].uuid}@carecoord",
        f"{appointments['cancelled'].uuid}@carecoord",
    }
    event = events[f"{appointments['upcoming'].uuid}@carecoord"]
    start = event["DTSTART"].dt
    assert event["DTSTART"].params["TZID"] == settings.TIME_ZONE
    assert start == appointments["upcoming"].start
    assert (start.hour, start.minute) == (9, 30)
    assert str(start.tzinfo) == settings.TIME_ZONE
    assert event["DTEND"].dt - start == datetime.timedelta(minutes=45)
    assert "Pediatric Neuromuscular Clinic" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "KVCH Main Campus, 100 Lighthouse Road"
    assert "Medicaid van" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(events[f"{appointments['cancelled'].uuid}@carecoord"]["STATUS"]) == "CANCELLED"
    assert MARKER.encode() not in response.content
    assert b"Other Family Clinic" not in response.content


def test_feed_needs_no_session_but_an_unknown_address_is_not_found(client):
    assert client.get(reverse("portal:calendar-feed", args=[uuid.uuid4(), "x" * 43])).status_code == 404
    assert client.get(reverse("portal:calendar-feed-legacy", args=["x" * 43])).status_code == 404


def test_regenerating_the_token_invalidates_the_old_address(client, caregiver, family_user, appointments):
    old = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    new = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    assert feed_url(new) != feed_url(old)
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_revoked_feed_is_not_found(client, caregiver, family_user, appointments):
    feed = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    services.calendar_feed_revoke(caregiver=caregiver, actor=family_user)
    assert client.get(feed_url(feed)).status_code == 404


def test_feed_stops_when_portal_access_is_removed(client, caregiver, family_user, coordinator, appointments):
    feed = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    family_user.is_active = False
    family_user.save()
    assert client.get(feed_url(feed)).status_code == 404


def test_caregiver_makes_regenerates_and_turns_off_the_address_on_the_portal(client, caregiver, family_user):
    client.force_login(family_user)
    url = reverse("portal:calendar")
    client.post(url, {"action": "create"})
    first = CalendarFeed.objects.get(caregiver=caregiver)
    content = client.get(url).content.decode()
    assert f"http://testserver{feed_url(first)}" in content
    assert f"webcal://testserver{feed_url(first)}" in content
    client.post(url, {"action": "create"})
    second = CalendarFeed.objects.get(caregiver=caregiver)
    assert services.calendar_feed_secret(second) != services.calendar_feed_secret(first)
    assert client.get(feed_url(first)).status_code == 404
    client.post(url, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(caregiver=caregiver).exists()


def test_feed_address_is_private(client, caregiver, family_user):
    feed = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    response = client.get(feed_url(feed))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_feed_query_count_does_not_grow_with_appointments(client, case, mateo, caregiver, family_user):
    added = []

    def add_appointments(count):
        for index in range(len(added), len(added) + count):
            PortalAppointmentFactory(
                case=case, child=mateo, start=timezone.now() + datetime.timedelta(days=index)
            )
            added.append(index)

    feed = services.calendar_feed_create(caregiver=caregiver, actor=family_user)

    def load():
        response = client.get(feed_url(feed))
        assert len(Calendar.from_ical(response.content).walk("VEVENT")) == len(added)

    assert_queries_bounded(add_rows=add_appointments, load=load, ceiling=7)


# The address at rest: the database keeps a random seed, never the address (docs/SECURITY.md).


def _row_values(feed):
    return [str(value) for value in CalendarFeed.objects.filter(pk=feed.pk).values().get().values()]


def test_the_database_does_not_hold_the_address_secret(caregiver, family_user):
    feed = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    secret = services.calendar_feed_secret(feed)
    assert len(secret) == 43
    assert not any(secret in value for value in _row_values(feed))


def test_the_secret_needs_the_key_kept_outside_the_database(settings, client, caregiver, family_user):
    """Someone with the row (UUID and seed) but another key makes a different secret, which opens nothing."""
    settings.CARECOORD_CALENDAR_FEED_KEY = "k" * 50
    feed = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    address = feed_url(feed)
    settings.CARECOORD_CALENDAR_FEED_KEY = "another key the reader of the database might try" + "!" * 10
    guessed = feed_url(feed)
    settings.CARECOORD_CALENDAR_FEED_KEY = "k" * 50
    assert guessed != address
    assert client.get(guessed).status_code == 404
    assert client.get(address).status_code == 200


def test_changing_the_key_gives_every_feed_a_new_address(settings, client, caregiver, family_user):
    feed = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    before = feed_url(feed)
    settings.CARECOORD_CALENDAR_FEED_KEY = "a-new-key-" + "z" * 40
    after = feed_url(feed)
    assert after != before
    assert client.get(before).status_code == 404
    assert client.get(after).status_code == 200


def test_a_feeds_secret_does_not_open_another_feed(client, caregiver, family_user):
    feed = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    secret = services.calendar_feed_secret(feed)
    assert client.get(reverse("portal:calendar-feed", args=[uuid.uuid4(), secret])).status_code == 404
    wrong = ("A" if secret[0] != "A" else "B") + secret[1:]
    assert client.get(reverse("portal:calendar-feed", args=[feed.uuid, wrong])).status_code == 404


def test_the_seed_and_the_old_token_hash_stay_out_of_the_audit_log(caregiver, family_user):
    from auditlog.models import LogEntry

    feed = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    entry = LogEntry.objects.get_for_object(feed).get()
    assert "seed" not in entry.changes_dict
    assert "legacy_token_hash" not in entry.changes_dict
    assert feed.seed not in str(entry.changes)


# Addresses made before they were derived: their token's hash is kept, and they keep working.


@pytest.fixture
def old_address(caregiver, family_user):
    """A feed as migration portal/0002 leaves one made earlier: a seed, and its old token's hash."""
    token = new_secret()
    feed = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    CalendarFeed.objects.filter(pk=feed.pk).update(legacy_token_hash=secret_hash(token))
    feed.refresh_from_db()
    return feed, reverse("portal:calendar-feed-legacy", args=[token])


def test_an_address_made_before_keeps_working_beside_the_new_one(client, old_address, appointments):
    feed, old = old_address
    response = client.get(old)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 2
    assert client.get(feed_url(feed)).status_code == 200


def test_the_portal_shows_the_new_form_of_an_address_made_before(client, old_address, family_user):
    feed, old = old_address
    client.force_login(family_user)
    content = client.get(reverse("portal:calendar")).content.decode()
    assert feed_url(feed) in content
    assert old not in content


def test_a_new_address_stops_the_old_one(client, old_address, caregiver, family_user):
    _feed, old = old_address
    services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    assert client.get(old).status_code == 404


def test_turning_the_address_off_stops_the_old_one(client, old_address, caregiver, family_user):
    _feed, old = old_address
    services.calendar_feed_revoke(caregiver=caregiver, actor=family_user)
    assert client.get(old).status_code == 404


def test_removing_portal_access_stops_the_old_one(client, old_address, caregiver, coordinator):
    _feed, old = old_address
    services.portal_access_remove(caregiver=caregiver, actor=coordinator)
    assert client.get(old).status_code == 404
