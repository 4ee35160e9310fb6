"""Writes to users and teams."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Team, User
from .permissions import has_role


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


# Two-factor sign-in: an authenticator app (TOTP) and single-use recovery codes (static tokens).

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def _refuse_family(user):
    if not user.is_staff_member:
        raise ValidationError(_("Two-factor sign-in is for staff logins."))


@transaction.atomic
def totp_device_start(*, user):
    """The authenticator app a staff user is enrolling: kept unconfirmed until a code from it is typed.

    A user who already has a confirmed app is refused: a second one is added only
    after an administrator resets their two-factor sign-in.
    """
    _refuse_family(user)
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        raise ValidationError(_("Two-factor sign-in is already set up for this login."))
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def totp_device_confirm(*, user, device, code):
    """Confirm an enrolling authenticator app with a code it shows; returns new recovery codes.

    A wrong code is refused after the transaction, so the device's count of wrong
    codes (its throttling) is kept.
    """
    _refuse_family(user)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        allowed, details = device.verify_is_allowed()
        confirmed = allowed and device.verify_token(_clean_code(code))
        if confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = recovery_codes_create(user=user)
    if not allowed:
        raise _too_many_codes(details)
    if not confirmed:
        raise ValidationError({"code": _("That code is not right. Type the 6 digits the app shows now.")})
    return codes


def _too_many_codes(details):
    locked_until = timezone.localtime((details or {}).get("locked_until") or timezone.now())
    return ValidationError(
        {
            "code": _("Too many wrong codes. Try again after %(time)s.")
            % {"time": date_format(locked_until, "TIME_FORMAT")}
        }
    )


@transaction.atomic
def recovery_codes_create(*, user):
    """Give a staff user a new set of single-use recovery codes; any older codes stop working."""
    _refuse_family(user)
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _index in range(settings.CARECOORD_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _clean_code(code):
    return "".join(str(code).split()).replace("-", "").lower()


def two_factor_verify(*, user, code):
    """The device that accepts a code (an app's 6 digits, or a recovery code, used up), or a refusal.

    Each device slows down its own wrong guesses (django-otp's throttling): while
    it waits, no code is checked and the refusal says until when. Refusals are
    raised after the transaction, so the count of wrong codes is kept.
    """
    code = _clean_code(code)
    model = TOTPDevice if code.isdigit() else StaticDevice
    refused = None
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, details = device.verify_is_allowed()
            if not allowed:
                refused = details or {}
            elif device.verify_token(code):
                return device
    if refused is not None:
        raise _too_many_codes(refused)
    raise ValidationError({"code": _("That code is not right.")})


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def two_factor_reset(*, user, actor):
    """An administrator removes a user's authenticator app and recovery codes, so they enrol again."""
    if not has_role(actor, User.Role.ADMIN):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return user
