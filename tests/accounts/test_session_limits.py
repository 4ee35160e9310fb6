"""Session limits: idle time by role, the warning's endpoint, the absolute lifetime, sessions ended."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.sessions import LAST_ACTIVITY_KEY, SIGNED_IN_AT_KEY
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

MINUTE = 60


def move_back(client, key, seconds):
    """As if ``seconds`` had passed since the session's ``key`` time."""
    session = client.session
    session[key] -= seconds
    session.save()


def idle_for(client, seconds):
    move_back(client, LAST_ACTIVITY_KEY, seconds)
    move_back(client, SIGNED_IN_AT_KEY, seconds)


def test_staff_are_signed_out_after_fifteen_idle_minutes(client, coordinator):
    client.force_login(coordinator)
    idle_for(client, 15 * MINUTE)

    response = client.get(reverse("cases:caseload"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert SESSION_KEY not in client.session
    page = client.get(response.url).content.decode()
    assert "signed out after 15 minutes without activity" in page


def test_staff_idle_for_fourteen_minutes_stay_signed_in(client, coordinator):
    client.force_login(coordinator)
    idle_for(client, 14 * MINUTE)

    assert client.get(reverse("cases:caseload")).status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] > client.session[SIGNED_IN_AT_KEY] + 13 * MINUTE


def test_family_users_have_thirty_idle_minutes(client, family_user):
    client.force_login(family_user)
    idle_for(client, 20 * MINUTE)
    assert client.get(reverse("portal:home")).status_code == 200

    idle_for(client, 30 * MINUTE)
    response = client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_idle_limits_follow_the_settings(client, settings, coordinator):
    settings.CARECOORD_STAFF_IDLE_MINUTES = 5
    client.force_login(coordinator)
    idle_for(client, 5 * MINUTE)

    assert client.get(reverse("cases:caseload")).status_code == 302


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, coordinator):
    client.force_login(coordinator)
    move_back(client, SIGNED_IN_AT_KEY, 12 * 60 * MINUTE)

    response = client.get(reverse("cases:caseload"))

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_the_warnings_question_does_not_extend_the_session(client, coordinator):
    client.force_login(coordinator)
    idle_for(client, 10 * MINUTE)
    before = client.session[LAST_ACTIVITY_KEY]

    response = client.get(reverse("accounts:session"))

    assert response.status_code == 200
    assert 4 * MINUTE < response.json()["remaining"] <= 5 * MINUTE
    assert client.session[LAST_ACTIVITY_KEY] == before


def test_staying_signed_in_from_the_warning_extends_the_session(client, coordinator):
    client.force_login(coordinator)
    idle_for(client, 14 * MINUTE + 30)

    response = client.post(reverse("accounts:session"))

    assert response.status_code == 200
    assert response.json()["remaining"] > 14 * MINUTE
    idle_for(client, 10 * MINUTE)
    assert client.get(reverse("cases:caseload")).status_code == 200


def test_the_warnings_question_after_the_limit_says_the_session_has_ended(client, coordinator):
    client.force_login(coordinator)
    idle_for(client, 16 * MINUTE)

    response = client.get(reverse("accounts:session"))

    assert response.status_code == 401
    assert SESSION_KEY not in client.session


def test_an_htmx_request_after_the_limit_sends_the_whole_page_to_sign_in(client, coordinator):
    client.force_login(coordinator)
    idle_for(client, 16 * MINUTE)

    response = client.get(reverse("cases:caseload"), HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("login")


def test_signed_in_pages_carry_the_idle_warning(client, coordinator, family_user):
    client.force_login(coordinator)
    page = client.get(reverse("cases:caseload")).content.decode()
    assert 'data-session-idle="900"' in page
    assert "js/session-timeout.js" in page
    assert 'id="session-timeout"' in page

    client.force_login(family_user)
    assert 'data-session-idle="1800"' in client.get(reverse("portal:home")).content.decode()


def test_the_sign_in_page_has_no_idle_warning(client):
    page = client.get(reverse("login")).content.decode()

    assert "session-timeout" not in page


def test_a_password_change_keeps_this_session_and_ends_the_others(client, coordinator):
    other = Client()
    other.force_login(coordinator)
    client.force_login(coordinator)

    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-long-secret",
            "new_password2": "Another-long-secret",
        },
    )

    assert client.get(reverse("cases:caseload")).status_code == 200
    assert other.get(reverse("cases:caseload")).status_code == 302
    assert SESSION_KEY not in other.session
