"""Writes to users and teams."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import Team, User


@transaction.atomic
def user_create(*, username, password, role, first_name="", last_name="", email="", phone="", teams=()):
    """Create a user; administrators get Django admin access, no one else does."""
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        is_staff=role == User.Role.ADMIN,
        is_superuser=role == User.Role.ADMIN,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    if teams:
        user.teams.set(teams)
    return user


@transaction.atomic
def team_create(*, name, site="", phone=""):
    """Create a team of coordinators at one site."""
    team = Team(name=name, site=site, phone=phone)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def family_login_set_up(*, username, password, first_name, last_name, email, language, user=None):
    """Give a caregiver a family login with the username and password they chose, or their old one back.

    Django's password rules apply here as on the form (compared with the
    caregiver's own name, email and username); a username taken by anyone else,
    in any letter case, is refused.
    """
    user = user or User(role=User.Role.FAMILY)
    if user.role != User.Role.FAMILY:
        raise ValidationError(_("Only a family login can be set up from an invitation."))
    taken = User.objects.filter(username__iexact=username)
    if user.pk:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise ValidationError({"username": _("This username is taken. Choose another one.")})
    user.username = username
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.language = language
    user.is_active = True
    user.is_staff = False
    user.is_superuser = False
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError({"username": _("This username is taken. Choose another one.")}) from None
    return user


@transaction.atomic
def user_deactivate(*, user):
    """Turn a login off: it no longer signs in, and its open sessions end at their next request."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_language_set(*, user, language):
    """Remember the language a user chose, so the site opens in it at their next sign-in."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
