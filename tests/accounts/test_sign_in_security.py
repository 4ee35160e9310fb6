"""Sign-in rules: lockout by username and address, the access log, Argon2 and password length."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import SESSION_KEY, password_validation
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

import carecoord.settings as project_settings
from accounts.lockout import client_ip_address
from tests.accounts.factories import PASSWORD, CoordinatorFactory

pytestmark = pytest.mark.django_db

HOME = "203.0.113.10"
ELSEWHERE = "198.51.100.20"


def sign_in(client, username, password, address=HOME):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address=HOME):
    for _attempt in range(times):
        response = sign_in(client, username, "not-the-password", address)
    return response


def test_five_wrong_passwords_lock_the_username_out_from_that_address(client, coordinator):
    assert fail(client, coordinator.username, 4).status_code == 200

    response = fail(client, coordinator.username, 1)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Signing in is paused" in page
    assert "Try again after" in page
    assert 'data-testid="retry-at"' in page


def test_the_right_password_is_refused_while_locked_out(client, coordinator):
    fail(client, coordinator.username, 5)

    response = sign_in(client, coordinator.username, PASSWORD)

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_a_locked_out_username_still_signs_in_from_another_address(client, coordinator):
    fail(client, coordinator.username, 5)

    response = sign_in(client, coordinator.username, PASSWORD, address=ELSEWHERE)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(coordinator.pk)


def test_failures_on_other_usernames_do_not_lock_a_colleague_out(client, coordinator, colleague):
    fail(client, colleague.username, 4)
    fail(client, "somebody-else", 4)

    response = sign_in(client, coordinator.username, PASSWORD)

    assert response.status_code == 302


def test_an_address_trying_many_usernames_is_locked_out_for_every_username(client, settings, coordinator):
    settings.CARECOORD_LOGIN_ADDRESS_FAILURE_LIMIT = 10
    for number in range(9):
        assert fail(client, f"guess-{number}", 1).status_code == 200

    assert fail(client, "guess-9", 1).status_code == 429
    assert sign_in(client, coordinator.username, PASSWORD).status_code == 429
    assert sign_in(client, coordinator.username, PASSWORD, address=ELSEWHERE).status_code == 302


def test_a_lockout_ends_after_the_cool_off(client, coordinator):
    fail(client, coordinator.username, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = sign_in(client, coordinator.username, PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(coordinator.pk)


def test_a_successful_sign_in_clears_that_usernames_failures(client, coordinator):
    fail(client, coordinator.username, 4)
    sign_in(client, coordinator.username, PASSWORD)
    client.logout()

    assert fail(client, coordinator.username, 4).status_code == 200


def test_sign_ins_and_failures_are_logged_with_the_address(client, coordinator):
    fail(client, coordinator.username, 1)
    sign_in(client, coordinator.username, PASSWORD)

    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.ip_address) == (coordinator.username, HOME)
    access = AccessLog.objects.get()
    assert (access.username, access.ip_address) == (coordinator.username, HOME)


@pytest.mark.parametrize(
    "page",
    [
        "admin:axes_accessattempt_changelist",
        "admin:axes_accesslog_changelist",
        "admin:axes_accessfailurelog_changelist",
    ],
)
def test_administrators_list_the_sign_in_logs(client, admin, coordinator, page):
    fail(client, coordinator.username, 1)
    sign_in(client, coordinator.username, PASSWORD, address=ELSEWHERE)
    client.force_login(admin)

    response = client.get(reverse(page))

    assert response.status_code == 200
    assert coordinator.username in response.content.decode()


def test_the_client_address_is_the_connections_when_no_proxy_is_trusted(settings):
    settings.CARECOORD_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.1")

    assert client_ip_address(request) == "10.0.0.5"


def test_behind_one_trusted_proxy_the_client_address_is_the_one_it_wrote(settings):
    settings.CARECOORD_TRUSTED_PROXY_COUNT = 1
    # The client wrote the first entry itself; the proxy appended the address it was reached from.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")

    assert client_ip_address(request) == "203.0.113.7"


def test_a_forwarded_address_that_is_not_an_address_is_ignored(settings):
    settings.CARECOORD_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="<script>")

    assert client_ip_address(request) == "10.0.0.5"


@override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS)
def test_new_passwords_are_hashed_with_argon2(coordinator):
    coordinator.set_password("a brand new passphrase")
    coordinator.save()

    assert coordinator.password.startswith("argon2$")


@override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS)
def test_an_older_hash_keeps_working_and_is_upgraded_at_sign_in(client):
    user = CoordinatorFactory()
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()

    response = sign_in(client, user.username, PASSWORD)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_a_staff_password_needs_twelve_characters(coordinator):
    with pytest.raises(ValidationError):
        password_validation.validate_password("Qx7-vlm-Rtz", user=coordinator)

    password_validation.validate_password("Qx7-vlm-Rtz9", user=coordinator)


def test_a_family_password_needs_eight_characters(family_user):
    password_validation.validate_password("Qx7-vlm9", user=family_user)
    with pytest.raises(ValidationError):
        password_validation.validate_password("Qx7-vl9", user=family_user)


def test_common_passwords_are_still_refused(family_user):
    with pytest.raises(ValidationError):
        password_validation.validate_password("password1234", user=family_user)


def test_a_staff_member_cannot_change_to_a_short_password(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Qx7-vlm-Rtz", "new_password2": "Qx7-vlm-Rtz"},
    )

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)


def without_tokens(response):
    """The page as a reader sees it: the CSRF tokens in it differ on every response."""
    return re.sub(
        r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "", response.content.decode()
    )


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, coordinator):
    known = client.post(reverse("password_reset"), {"email": coordinator.email}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert without_tokens(known) == without_tokens(unknown)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("page", ["login", "admin:login"])
def test_a_username_longer_than_any_account_is_refused_before_it_is_recorded(client, page):
    response = client.post(reverse(page), {"username": "é" * 300, "password": "a-test-password-123"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()
