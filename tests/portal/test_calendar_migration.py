"""Migration portal/0002: calendar addresses made while tokens were kept in clear keep working, and the
clear tokens leave the database."""

import hashlib
import secrets

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from portal import services
from portal.models import CalendarFeed

BEFORE = [("portal", "0001_initial")]
AFTER = [("portal", "0002_calendar_feed_derived_address")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def feed_made_before(caregiver):
    """A feed written by the schema before 0002, with its clear token; the schema is put back after."""
    old_apps = _migrate(BEFORE)
    token = secrets.token_urlsafe(32)
    OldFeed = old_apps.get_model("portal", "CalendarFeed")
    OldFeed.objects.create(caregiver_id=caregiver.pk, token=token)
    yield token
    _migrate(AFTER)


@pytest.mark.django_db(transaction=True)
def test_an_address_made_before_keeps_working_and_its_token_is_kept_only_as_a_hash(client, feed_made_before):
    token = feed_made_before
    _migrate(AFTER)
    feed = CalendarFeed.objects.get()
    assert feed.legacy_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert feed.seed
    assert feed.seed != token
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, "portal_calendarfeed")
        columns = [column.name for column in table]
        cursor.execute("SELECT * FROM portal_calendarfeed")
        row = cursor.fetchone()
    assert "token" not in columns
    assert not any(token in str(value) for value in row)

    old = client.get(reverse("portal:calendar-feed-legacy", args=[token]))
    assert old.status_code == 200
    assert old["Content-Type"].startswith("text/calendar")
    new = reverse("portal:calendar-feed", args=[feed.uuid, services.calendar_feed_secret(feed)])
    assert client.get(new).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_going_back_gives_each_feed_a_fresh_clear_token(feed_made_before):
    token = feed_made_before
    _migrate(AFTER)
    old_apps = _migrate(BEFORE)
    reissued = old_apps.get_model("portal", "CalendarFeed").objects.get()
    assert len(reissued.token) == 43
    assert reissued.token != token
