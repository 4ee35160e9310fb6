"""Addresses that carry a token match only the token's own alphabet and length (carecoord/converters.py).

For each one, the real address still works, and the same address with a dot in
the token, a NUL byte, one character more or one less matches no URL pattern:
a 404 before the view runs. (Through the test client a NUL byte is answered 400
earlier still, by carecoord.middleware.RefuseNulBytesMiddleware.)
"""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import Resolver404, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal import services as portal_services
from portal.models import new_secret
from referrals import services as referral_services
from tests.referrals.factories import contact_service, therapy_need

pytestmark = pytest.mark.django_db


def _invitation(request):
    caregiver, coordinator = request.getfixturevalue("caregiver"), request.getfixturevalue("coordinator")
    caregiver.user = None
    caregiver.save()
    tokens = []
    portal_services.invitation_create(
        caregiver=caregiver, actor=coordinator, link_for=lambda token: tokens.append(token) or token
    )
    return "portal:invitation-accept", {"token": tokens[0]}, "token", 200


def _calendar(request):
    caregiver, family_user = request.getfixturevalue("caregiver"), request.getfixturevalue("family_user")
    feed = portal_services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    secret = portal_services.calendar_feed_secret(feed)
    return "portal:calendar-feed", {"feed": feed.uuid, "secret": secret}, "secret", 200


def _calendar_made_before(request):
    from portal.models import CalendarFeed, secret_hash

    caregiver, family_user = request.getfixturevalue("caregiver"), request.getfixturevalue("family_user")
    token = new_secret()
    feed = portal_services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    CalendarFeed.objects.filter(pk=feed.pk).update(legacy_token_hash=secret_hash(token))
    return "portal:calendar-feed-legacy", {"token": token}, "token", 200


def _organization_link(request):
    case, coordinator = request.getfixturevalue("case"), request.getfixturevalue("coordinator")
    request.getfixturevalue("consent")
    referral = referral_services.referral_create(
        need=therapy_need(case), actor=coordinator, service=contact_service(), send=True
    )
    token = referral_services.referral_link_token(referral)
    return "referrals:organization-link", {"token": token}, "token", 200


def _password_reset(request):
    user = request.getfixturevalue("coordinator")
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    # Django moves a valid token into the session and redirects to the address without it.
    return "password_reset_confirm", {"uidb64": uidb64, "token": token}, "token", 302


ADDRESSES = {
    "portal invitation": _invitation,
    "calendar feed": _calendar,
    "calendar feed made before derived addresses": _calendar_made_before,
    "organization's referral link": _organization_link,
    "password reset": _password_reset,
}
NAMES = list(ADDRESSES)  # a list, so every xdist worker collects the same tests


def _spoiled(token):
    """The token with a dot, with a NUL byte, one character longer, one shorter."""
    middle = len(token) // 2
    return {
        "dot": token[:middle] + "." + token[middle + 1 :],
        "dot added": token + ".",
        "NUL byte": token[:middle] + "\x00" + token[middle + 1 :],
        "too long": token + "A",
        "too short": token[:-1],
    }


def _address(name, kwargs, part, value):
    """The real address with ``part`` replaced by ``value`` (reverse() refuses values that do not match)."""
    real = reverse(name, kwargs=kwargs)
    return real.replace(str(kwargs[part]), value, 1)


@pytest.mark.parametrize("address", NAMES)
def test_the_real_token_still_opens_its_page(client, request, address):
    name, kwargs, _part, status = ADDRESSES[address](request)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == status


@pytest.mark.parametrize("address", NAMES)
def test_anything_but_the_tokens_alphabet_and_length_matches_no_address(client, request, address):
    name, kwargs, part, _status = ADDRESSES[address](request)
    for how, value in _spoiled(str(kwargs[part])).items():
        path = _address(name, kwargs, part, value)
        with pytest.raises(Resolver404):
            resolve(path)
        expected = 400 if "\x00" in value else 404  # NUL: refused by the middleware before resolving
        assert client.get(path).status_code == expected, how


def test_the_password_reset_user_part_is_checked_too(client, coordinator):
    token = default_token_generator.make_token(coordinator)
    for uidb64 in ["M.Q", "A" * 27, ""]:
        path = f"/accounts/reset/{uidb64}/{token}/"
        with pytest.raises(Resolver404):
            resolve(path)
        assert client.get(path).status_code == 404


def test_the_password_reset_form_still_reaches_its_set_password_step(client, coordinator):
    uidb64 = urlsafe_base64_encode(force_bytes(coordinator.pk))
    token = default_token_generator.make_token(coordinator)
    response = client.get(reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token}))
    assert response.status_code == 302
    assert response["Location"].endswith("/set-password/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["validlink"]
