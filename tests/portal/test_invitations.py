"""Invitations: made from the family page, one-time, expiring, revocable; access can be removed."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from portal import services
from portal.models import CalendarFeed, PortalInvitation, new_secret, secret_hash
from tests.cases.factories import CaregiverFactory

pytestmark = pytest.mark.django_db

PASSWORD = "lighthouse-orchard-42"


def link_for(token):
    return f"http://testserver{reverse('portal:invitation-accept', args=[token])}"


@pytest.fixture
def new_caregiver(family):
    return CaregiverFactory(family=family, first_name="Rosa", last_name="Hernández", email="rosa@example.org")


def invite(caregiver, actor):
    invitation, link = services.invitation_create(caregiver=caregiver, actor=actor, link_for=link_for)
    return invitation, link.rsplit("/", 2)[-2]


def accept(client, token, username="rosa", password=PASSWORD, password2=None):
    return client.post(
        reverse("portal:invitation-accept", args=[token]),
        {"username": username, "password1": password, "password2": password2 or password},
    )


def test_invitation_stores_only_a_hash_of_its_secret(new_caregiver, coordinator):
    invitation, token = invite(new_caregiver, coordinator)
    assert invitation.token_hash == secret_hash(token)
    assert token not in invitation.token_hash
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=6)


def test_invitation_is_emailed_in_the_familys_language(
    new_caregiver, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = invite(new_caregiver, coordinator)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@example.org"]
    assert token in message.body
    # Dates come out in Spanish: Django's own month names.
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto"]
    months += ["septiembre", "octubre", "noviembre", "diciembre"]
    assert any(f" de {month} de " in message.body for month in months)


def test_invitation_without_email_is_only_shown(family, coordinator, django_capture_on_commit_callbacks):
    caregiver = CaregiverFactory(family=family, email="")
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _token = invite(caregiver, coordinator)
    assert mail.outbox == []
    assert invitation.emailed_to == ""


def test_valid_invitation_sets_username_and_password_and_signs_in(client, new_caregiver, coordinator):
    _invitation, token = invite(new_caregiver, coordinator)
    page = client.get(reverse("portal:invitation-accept", args=[token]))
    assert page.status_code == 200
    assert "Rosa" in page.content.decode()

    response = accept(client, token)
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    new_caregiver.refresh_from_db()
    user = new_caregiver.user
    assert user.role == User.Role.FAMILY
    assert user.username == "rosa"
    assert user.check_password(PASSWORD)
    assert user.language == "es"
    assert int(client.session[SESSION_KEY]) == user.pk
    assert PortalInvitation.objects.get(caregiver=new_caregiver).used_at is not None
    assert client.get(reverse("portal:home")).status_code == 200


def test_invitation_used_twice_is_refused_the_second_time(client, new_caregiver, coordinator):
    _invitation, token = invite(new_caregiver, coordinator)
    accept(client, token)
    other = client_class_for(client)
    response = accept(other, token, username="someone-else")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert not User.objects.filter(username="someone-else").exists()


def client_class_for(client):
    return type(client)()


def test_expired_invitation_is_refused_and_creates_nothing(client, new_caregiver, coordinator):
    invitation, token = invite(new_caregiver, coordinator)
    PortalInvitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10),
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    response = accept(client, token)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    new_caregiver.refresh_from_db()
    assert new_caregiver.user is None
    assert SESSION_KEY not in client.session


def test_revoked_invitation_is_refused(client, new_caregiver, coordinator):
    invitation, token = invite(new_caregiver, coordinator)
    services.invitation_revoke(invitation=invitation, actor=coordinator)
    response = accept(client, token)
    assert response.status_code == 410
    assert "cancelled" in response.content.decode()
    new_caregiver.refresh_from_db()
    assert new_caregiver.user is None


def test_unknown_token_is_not_found(client):
    response = client.get(reverse("portal:invitation-accept", args=[new_secret()]))
    assert response.status_code == 404
    assert "portal/invitation_refused.html" in [template.name for template in response.templates]


def test_a_new_invitation_revokes_the_earlier_one(new_caregiver, coordinator):
    first, first_token = invite(new_caregiver, coordinator)
    invite(new_caregiver, coordinator)
    first.refresh_from_db()
    assert first.state == PortalInvitation.State.REVOKED
    with pytest.raises(services.InvitationRefused):
        services.invitation_from_token(first_token)


def test_weak_password_is_refused_with_djangos_rules_in_the_familys_language(
    client, new_caregiver, coordinator
):
    _invitation, token = invite(new_caregiver, coordinator)
    response = accept(client, token, password="12345678")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="es"' in content
    # Django's own Spanish messages for a common, all-digit password.
    assert "demasiado común" in content
    assert "completamente numérica" in content
    new_caregiver.refresh_from_db()
    assert new_caregiver.user is None
    assert PortalInvitation.objects.get(caregiver=new_caregiver).used_at is None


def test_mismatched_passwords_are_refused(client, new_caregiver, coordinator):
    _invitation, token = invite(new_caregiver, coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = accept(client, token, password2="something-else-entirely")
    assert response.status_code == 200
    assert "not the same" in response.content.decode()


def test_taken_username_is_refused(client, new_caregiver, coordinator, family_user):
    _invitation, token = invite(new_caregiver, coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = accept(client, token, username=family_user.username.upper())
    assert response.status_code == 200
    assert "taken" in response.content.decode()
    new_caregiver.refresh_from_db()
    assert new_caregiver.user is None


def test_caregiver_with_portal_access_cannot_be_invited_again(caregiver, coordinator):
    with pytest.raises(ValidationError):
        invite(caregiver, coordinator)
    assert not PortalInvitation.objects.filter(caregiver=caregiver).exists()


def test_coordinator_of_another_team_cannot_invite(new_caregiver, outsider):
    with pytest.raises(PermissionDenied):
        invite(new_caregiver, outsider)
    assert not PortalInvitation.objects.exists()


def test_removing_access_signs_the_caregiver_out_at_the_next_request(
    client, caregiver, family_user, coordinator
):
    services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    client.force_login(family_user)
    assert client.get(reverse("portal:home")).status_code == 200

    services.portal_access_remove(caregiver=caregiver, actor=coordinator)

    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert SESSION_KEY not in client.session
    family_user.refresh_from_db()
    assert not family_user.is_active
    assert not CalendarFeed.objects.filter(caregiver=caregiver).exists()
    # Signing in again with the old password does not work either.
    client.post(reverse("login"), {"username": family_user.username, "password": "a-test-password-123"})
    assert SESSION_KEY not in client.session


def test_caregiver_whose_access_was_removed_can_be_invited_back(client, caregiver, family_user, coordinator):
    services.portal_access_remove(caregiver=caregiver, actor=coordinator)
    _invitation, token = invite(caregiver, coordinator)
    accept(client, token, username="maria-h")
    family_user.refresh_from_db()
    assert family_user.is_active
    assert family_user.username == "maria-h"
    assert User.objects.filter(role=User.Role.FAMILY).count() == 1


# The family page panel and its actions


def test_family_page_shows_who_has_portal_access_and_when_they_last_signed_in(
    client, caregiver, family_user, coordinator
):
    User.objects.filter(pk=family_user.pk).update(last_login=timezone.now())
    client.force_login(coordinator)
    content = client.get(reverse("cases:family-detail", args=[caregiver.family.uuid])).content.decode()
    assert "Has portal access" in content
    assert "last signed in" in content
    assert reverse("portal:access-remove", args=[caregiver.uuid]) in content


def test_family_page_invites_and_shows_the_link_once(client, new_caregiver, coordinator):
    client.force_login(coordinator)
    family_url = reverse("cases:family-detail", args=[new_caregiver.family.uuid])
    response = client.post(reverse("portal:invitation-create", args=[new_caregiver.uuid]), follow=True)
    assert response.redirect_chain[-1][0].startswith(family_url)
    content = response.content.decode()
    assert "Invitation made and emailed to rosa@example.org" in content
    link = content.split('data-testid="invitation-link"')[0].rsplit('value="', 1)[1].split('"')[0]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert services.invitation_from_token(token).caregiver == new_caregiver
    assert token not in client.get(family_url).content.decode()


def test_family_page_revokes_an_invitation(client, new_caregiver, coordinator):
    invitation, _token = invite(new_caregiver, coordinator)
    client.force_login(coordinator)
    client.post(reverse("portal:invitation-revoke", args=[invitation.uuid]))
    invitation.refresh_from_db()
    assert invitation.revoked_by == coordinator


def test_family_page_removes_access_after_confirmation(client, caregiver, family_user, coordinator):
    client.force_login(coordinator)
    url = reverse("portal:access-remove", args=[caregiver.uuid])
    assert "Remove portal access" in client.get(url).content.decode()
    family_user.refresh_from_db()
    assert family_user.is_active
    client.post(url)
    family_user.refresh_from_db()
    assert not family_user.is_active


def test_staff_of_another_team_get_404_on_portal_access_actions(
    client, caregiver, family_user, new_caregiver, coordinator, outsider
):
    invitation, _token = invite(new_caregiver, coordinator)
    client.force_login(outsider)
    assert client.post(reverse("portal:invitation-create", args=[new_caregiver.uuid])).status_code == 404
    assert client.post(reverse("portal:invitation-revoke", args=[invitation.uuid])).status_code == 404
    assert client.post(reverse("portal:access-remove", args=[caregiver.uuid])).status_code == 404
    invitation.refresh_from_db()
    family_user.refresh_from_db()
    assert invitation.revoked_at is None
    assert family_user.is_active
    assert PortalInvitation.objects.count() == 1
