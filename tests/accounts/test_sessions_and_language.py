"""What the accounts app does on every request and for every login: the session rule, the language kept."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.services import family_login_set_up, user_deactivate, user_language_set

pytestmark = pytest.mark.django_db


def test_a_login_turned_off_loses_its_open_session_at_the_next_request(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("cases:caseload")).status_code == 200

    user_deactivate(user=coordinator)

    response = client.get(reverse("cases:caseload"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert SESSION_KEY not in client.session


def test_a_staff_members_language_switch_is_not_kept_for_the_next_sign_in(client, coordinator):
    client.force_login(coordinator)

    client.post(reverse("set_language"), {"language": "es", "next": reverse("cases:caseload")})

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    coordinator.refresh_from_db()
    assert coordinator.language == ""


def test_the_language_switch_answers_only_posts(client, family_user):
    client.force_login(family_user)

    assert client.get(reverse("set_language"), {"language": "en"}).status_code == 405
    family_user.refresh_from_db()
    assert family_user.language == ""


def test_only_the_sites_languages_are_kept(family_user):
    with pytest.raises(ValidationError):
        user_language_set(user=family_user, language="xx")

    family_user.refresh_from_db()
    assert family_user.language == ""


def test_a_family_login_follows_djangos_password_rules_in_the_service_too():
    with pytest.raises(ValidationError) as refused:
        family_login_set_up(
            username="maria",
            password="maria123",  # noqa: S106 - a weak password, refused
            first_name="María",
            last_name="Hernández",
            email="maria@example.org",
            language="es",
        )

    assert "password" in refused.value.message_dict
    assert not User.objects.filter(username="maria").exists()


def test_a_family_login_needs_a_username_nobody_has_in_any_case(coordinator):
    with pytest.raises(ValidationError) as refused:
        family_login_set_up(
            username=coordinator.username.upper(),
            password="a long and unusual passphrase 42",  # noqa: S106
            first_name="María",
            last_name="Hernández",
            email="maria@example.org",
            language="es",
        )

    assert "username" in refused.value.message_dict
    assert User.objects.filter(role=User.Role.FAMILY).count() == 0


def test_a_staff_login_is_never_turned_into_a_family_login(coordinator):
    with pytest.raises(ValidationError):
        family_login_set_up(
            user=coordinator,
            username="maria",
            password="a long and unusual passphrase 42",  # noqa: S106
            first_name="María",
            last_name="Hernández",
            email="maria@example.org",
            language="es",
        )

    coordinator.refresh_from_db()
    assert coordinator.role == User.Role.COORDINATOR
    assert coordinator.username != "maria"
