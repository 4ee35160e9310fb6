"""The private calendar feed: parses back with the right events and time zone; revocable, regenerable."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from portal import services
from portal.models import CalendarFeed
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
    return reverse("portal:calendar-feed", args=[feed.token])


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


def test_feed_needs_no_session_but_an_unknown_token_is_not_found(client):
    assert client.get(reverse("portal:calendar-feed", args=["no-such-token"])).status_code == 404


def test_regenerating_the_token_invalidates_the_old_address(client, caregiver, family_user, appointments):
    old = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    new = services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    assert new.token != old.token
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
    assert first.token in content
    assert "webcal://" in content
    client.post(url, {"action": "create"})
    second = CalendarFeed.objects.get(caregiver=caregiver)
    assert second.token != first.token
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
