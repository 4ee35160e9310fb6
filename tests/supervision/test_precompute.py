"""The outcome reports made ahead by the periodic-task workers, shown only for exactly their teams."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision import precompute
from supervision.tasks import precompute_reports
from tests.accounts.factories import SupervisorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_cache(settings):
    """A cache of this test's own: figures made ahead here never reach another test."""
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    settings.CACHES = {"default": {"BACKEND": locmem, "LOCATION": "precompute-tests"}}
    from django.core.cache import cache

    cache.clear()


def table_text(response):
    return response.content.decode().split('id="report-cases"', 1)[1].split("</section>", 1)[0]


def test_the_page_shows_the_figures_made_ahead_and_says_when(client, report_data):
    client.force_login(report_data.supervisor)
    live = client.get(reverse("supervision:reports"))
    assert "Figures as of" not in live.content.decode()
    assert precompute_reports() >= 1
    made_ahead = client.get(reverse("supervision:reports"))
    assert "Figures as of" in made_ahead.content.decode()
    assert table_text(made_ahead) == table_text(live)


def test_figures_made_ahead_for_one_set_of_teams_are_never_shown_for_another(client, report_data):
    precompute.precompute_report_figures()
    other = SupervisorFactory(teams=[report_data.team_b])
    client.force_login(other)
    response = client.get(reverse("supervision:reports"))
    assert response.status_code == 200
    # Team B's supervisor has figures of their own (made ahead too), never team A's.
    assert report_data.team_a.name not in table_text(response)


def test_a_range_not_made_ahead_is_computed_live(client, report_data):
    precompute.precompute_report_figures()
    client.force_login(report_data.supervisor)
    today = timezone.localdate()
    response = client.get(
        reverse("supervision:reports"),
        {"start": (today - datetime.timedelta(days=40)).isoformat(), "end": today.isoformat()},
    )
    assert response.status_code == 200
    assert "Figures as of" not in response.content.decode()


def test_a_csv_of_the_figures_made_ahead_equals_the_live_one(client, report_data):
    client.force_login(report_data.supervisor)
    address = reverse("supervision:report-csv", args=["cases"])
    live = client.get(address).content
    precompute.precompute_report_figures()
    assert client.get(address).content == live
