"""Two-factor sign-in for staff: required in production mode, never asked of families."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import recovery_codes_create, two_factor_reset
from tests.accounts.factories import PASSWORD
from tests.test_project import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_mode(settings):
    """What DJANGO_DEBUG=0 means for two-factor sign-in: CARECOORD_REQUIRE_2FA defaults to on."""
    settings.CARECOORD_REQUIRE_2FA = True


def sign_in(client, user):
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert client.session[SESSION_KEY] == str(user.pk)


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrolled(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.mark.usefixtures("production_mode")
def test_staff_must_set_up_two_factor_before_reaching_any_page(client, coordinator):
    sign_in(client, coordinator)

    response = client.get(reverse("cases:caseload"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two-factor-setup"))


@pytest.mark.usefixtures("production_mode")
def test_administrators_must_set_up_two_factor_before_the_admin_site(client, admin):
    sign_in(client, admin)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two-factor-setup"))


@pytest.mark.usefixtures("production_mode")
def test_family_users_are_never_asked_for_a_second_factor(client, family_user):
    sign_in(client, family_user)

    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("accounts:two-factor-setup")).status_code == 404


def test_in_development_mode_staff_sign_in_with_their_password_only(client, coordinator):
    sign_in(client, coordinator)

    assert client.get(reverse("cases:caseload")).status_code == 200


def test_staff_who_enrolled_verify_even_when_it_is_not_required(client, coordinator):
    enrolled(coordinator)
    sign_in(client, coordinator)

    response = client.get(reverse("cases:caseload"))

    assert response.url.startswith(reverse("accounts:two-factor-verify"))


@pytest.mark.usefixtures("production_mode")
def test_enrolment_shows_a_qr_code_and_a_code_from_the_app_turns_it_on(client, coordinator):
    sign_in(client, coordinator)
    page = client.get(reverse("accounts:two-factor-setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)

    response = client.post(
        reverse("accounts:two-factor-setup"),
        {"code": current_code(device), "next": reverse("cases:caseload")},
    )

    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=coordinator).count() == 10
    assert client.get(reverse("cases:caseload")).status_code == 200


@pytest.mark.usefixtures("production_mode")
def test_a_wrong_enrolment_code_turns_nothing_on(client, coordinator):
    sign_in(client, coordinator)
    client.get(reverse("accounts:two-factor-setup"))

    response = client.post(reverse("accounts:two-factor-setup"), {"code": "000000"})

    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    assert client.get(reverse("cases:caseload")).status_code == 302


@pytest.mark.usefixtures("production_mode")
def test_a_code_from_the_app_opens_the_pages_after_the_password(client, coordinator):
    device = enrolled(coordinator)
    sign_in(client, coordinator)
    assert client.get(reverse("cases:caseload")).url.startswith(reverse("accounts:two-factor-verify"))

    response = client.post(
        reverse("accounts:two-factor-verify"),
        {"code": current_code(device), "next": reverse("cases:caseload")},
    )

    assert response.status_code == 302
    assert response.url == reverse("cases:caseload")
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("cases:caseload")).status_code == 200


@pytest.mark.usefixtures("production_mode")
def test_a_wrong_code_keeps_the_pages_closed(client, coordinator):
    enrolled(coordinator)
    sign_in(client, coordinator)

    response = client.post(reverse("accounts:two-factor-verify"), {"code": "123456"})

    assert response.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(reverse("cases:caseload")).status_code == 302


@pytest.mark.usefixtures("production_mode")
def test_wrong_codes_in_a_row_make_the_next_one_wait(client, settings, coordinator):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = enrolled(coordinator)
    sign_in(client, coordinator)
    client.post(reverse("accounts:two-factor-verify"), {"code": "123456"})

    response = client.post(reverse("accounts:two-factor-verify"), {"code": current_code(device)})

    assert "Too many wrong codes" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.usefixtures("production_mode")
def test_a_recovery_code_signs_in_once(client, coordinator):
    enrolled(coordinator)
    code = recovery_codes_create(user=coordinator)[0]
    sign_in(client, coordinator)

    response = client.post(reverse("accounts:two-factor-verify"), {"code": code.upper()})

    assert response.status_code == 302
    assert client.get(reverse("cases:caseload")).status_code == 200
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9

    client.post(reverse("logout"))
    sign_in(client, coordinator)
    response = client.post(reverse("accounts:two-factor-verify"), {"code": code})
    assert response.status_code == 200
    assert client.get(reverse("cases:caseload")).status_code == 302


@pytest.mark.usefixtures("production_mode")
def test_a_password_alone_cannot_enrol_a_second_app(client, coordinator):
    enrolled(coordinator)
    sign_in(client, coordinator)

    response = client.get(reverse("accounts:two-factor-setup"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two-factor-verify"))
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_new_recovery_codes_replace_the_old_ones(client, coordinator):
    device = enrolled(coordinator)
    old = recovery_codes_create(user=coordinator)
    sign_in(client, coordinator)
    client.post(reverse("accounts:two-factor-verify"), {"code": current_code(device)})

    response = client.post(reverse("accounts:two-factor"))

    new = response.context["codes"]
    assert len(new) == 10
    assert not StaticToken.objects.filter(token__in=old).exists()
    assert StaticDevice.objects.filter(user=coordinator).count() == 1


@pytest.mark.usefixtures("production_mode")
def test_an_administrator_resets_a_users_two_factor_from_the_user_list(client, admin, coordinator):
    enrolled(coordinator)
    recovery_codes_create(user=coordinator)
    admin_device = enrolled(admin)
    sign_in(client, admin)
    client.post(reverse("accounts:two-factor-verify"), {"code": current_code(admin_device)})

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [coordinator.pk]},
        follow=True,
    )

    assert "Two-factor sign-in was reset for 1 user." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert TOTPDevice.objects.filter(user=admin).exists()


@pytest.mark.usefixtures("production_mode")
def test_after_a_reset_the_user_enrols_again_at_the_next_request(client, admin, coordinator):
    device = enrolled(coordinator)
    sign_in(client, coordinator)
    client.post(reverse("accounts:two-factor-verify"), {"code": current_code(device)})
    assert client.get(reverse("cases:caseload")).status_code == 200

    two_factor_reset(user=coordinator, actor=admin)

    response = client.get(reverse("cases:caseload"))
    assert response.url.startswith(reverse("accounts:two-factor-setup"))


def test_only_an_administrator_resets_two_factor(coordinator, supervisor):
    enrolled(coordinator)

    with pytest.raises(PermissionDenied):
        two_factor_reset(user=coordinator, actor=supervisor)

    assert TOTPDevice.objects.filter(user=coordinator).exists()


@pytest.mark.parametrize(("debug", "required"), [("0", "True"), ("1", "False")])
def test_two_factor_is_required_by_default_in_production_mode_only(debug, required):
    env = {**PRODUCTION_ENV, "DJANGO_DEBUG": debug, "CARECOORD_REQUIRE_2FA": ""}
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CARECOORD_REQUIRE_2FA)",
        env_overrides=env,
    )

    assert result.stdout.strip().splitlines()[-1] == required


@pytest.mark.parametrize("next_address", ["on", ":", "//elsewhere.example.org/"])
def test_a_next_address_that_is_not_a_path_here_is_replaced_by_the_start_page(rf, coordinator, next_address):
    from accounts.views import _next_url

    request = rf.get("/accounts/two-factor/verify/", {"next": next_address})
    assert _next_url(request) == reverse("home")
