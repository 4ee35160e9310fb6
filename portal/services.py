"""Every write of the family portal: invitations, access, calendar feeds and reminders."""

import base64
import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import family_login_set_up, user_deactivate
from carecoord.services import lock
from cases.models import Caregiver, Case, Family
from cases.permissions import require_family_access
from cases.services import caregiver_link_login
from notifications.models import Notification
from notifications.services import notify
from referrals.models import Appointment

from .models import AppointmentReminder, CalendarFeed, PortalInvitation, new_secret, secret_hash
from .summary import map_url

logger = logging.getLogger(__name__)

# Reminders go out for appointments starting within this time.
REMINDER_LEAD = datetime.timedelta(days=2)


class InvitationRefused(Exception):
    """An invitation link that cannot be used: ``reason`` is invalid, used, expired or revoked."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def family_language(family):
    """The language a family reads: English or Spanish, English for any other language."""
    codes = {code for code, _name in settings.LANGUAGES}
    return family.preferred_language if family.preferred_language in codes else settings.LANGUAGE_CODE


def user_language(user, family=None):
    """The language the portal opens in for a family user: their own last choice, else the family's."""
    codes = {code for code, _name in settings.LANGUAGES}
    if user.language in codes:
        return user.language
    if family is None:
        caregiver = Caregiver.objects.select_related("family").filter(user=user).first()
        family = caregiver.family if caregiver else None
    return family_language(family) if family else None


def first_sign_in_key(user):
    """The inbox key of a caregiver's first portal sign-in: one per family login, ever."""
    return f"portal-first-sign-in:{user.uuid}"


@transaction.atomic
def portal_first_sign_in_notify(*, user):
    """Tell the coordinators of the family's open cases the first time a caregiver signs in to the portal.

    "First" is decided by the item's key, not by ``last_login`` (Django stamps
    it before the portal hears of the sign-in): once any coordinator got the
    item for this login, later sign-ins, other sessions and reassigned
    coordinators get nothing. A sign-in while the family has no open case tells
    no one, so the next one still counts as the first. Returns the items made.
    """
    if user.role != User.Role.FAMILY:
        return []
    key = first_sign_in_key(user)
    if Notification.objects.filter(kind=Notification.Kind.PORTAL_FIRST_SIGN_IN, key=key).exists():
        return []
    caregiver = Caregiver.objects.select_related("family").filter(user=user).first()
    if caregiver is None:
        return []
    cases = Case.objects.open().filter(family=caregiver.family).select_related("coordinator")
    return notify(
        recipients=[case.coordinator for case in cases.order_by("opened_at", "pk")],
        kind=Notification.Kind.PORTAL_FIRST_SIGN_IN,
        url=reverse("cases:family-detail", args=[caregiver.family.uuid]),
        params={
            "caregiver": f"{caregiver.first_name} {caregiver.last_name}".strip(),
            "family": caregiver.family,
        },
        key=key,
    )


def site_url(path):
    """An absolute address for a message sent without a request (reminders)."""
    return settings.CARECOORD_SITE_URL.rstrip("/") + path


def _require_manager(actor, caregiver):
    """Staff of the caregiver's family's team grant and remove portal access."""
    require_family_access(actor, caregiver.family)


def has_portal_access(caregiver):
    return caregiver.user_id is not None and caregiver.user.is_active


# Invitations


@transaction.atomic
def invitation_create(*, caregiver, actor, link_for):
    """Invite a caregiver to the portal; an earlier pending invitation stops working.

    Returns (invitation, link). The secret is in the link only: the database
    keeps its hash. ``link_for(token)`` makes the absolute address. When the
    caregiver has an email address the link is emailed, in the family's language,
    once the transaction commits.
    """
    _require_manager(actor, caregiver)
    caregiver = (
        Caregiver.objects.select_for_update(of=("self",))
        .select_related("family", "user")
        .get(pk=caregiver.pk)
    )
    if has_portal_access(caregiver):
        raise ValidationError(_("%(caregiver)s already has portal access.") % {"caregiver": caregiver})
    now = timezone.now()
    caregiver.portal_invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    )
    token = new_secret()
    invitation = PortalInvitation(
        caregiver=caregiver,
        token_hash=secret_hash(token),
        emailed_to=caregiver.email,
        created_by=actor,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.PORTAL_INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    link = link_for(token)
    if caregiver.email:
        transaction.on_commit(lambda: _send_invitation(invitation, caregiver, link, actor))
    return invitation, link


def _send_invitation(invitation, caregiver, link, actor):
    with translation.override(family_language(caregiver.family)):
        context = {
            "caregiver": caregiver,
            "link": link,
            "expires_at": invitation.expires_at,
            "coordinator": actor,
            "center": settings.CARECOORD_CENTER_NAME,
        }
        subject = render_to_string("portal/email/invitation_subject.txt", context).strip()
        body = render_to_string("portal/email/invitation_body.txt", context)
    send_mail(subject, body, None, [caregiver.email])


@transaction.atomic
def invitation_revoke(*, invitation, actor):
    """Stop an invitation that has not been used yet."""
    _require_manager(actor, invitation.caregiver)
    invitation = lock(invitation)
    if invitation.state != PortalInvitation.State.PENDING:
        raise ValidationError(_("This invitation can no longer be used; there is nothing to revoke."))
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


def invitation_from_token(token, *, lock=False):
    """The pending invitation a link's token opens; InvitationRefused says why not."""
    invitations = PortalInvitation.objects.select_related("caregiver__family", "caregiver__user")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=secret_hash(token or "")).first()
    if invitation is None:
        raise InvitationRefused("invalid")
    state = invitation.state
    if state != PortalInvitation.State.PENDING:
        raise InvitationRefused(state)
    if has_portal_access(invitation.caregiver):
        raise InvitationRefused(PortalInvitation.State.USED)
    return invitation


@transaction.atomic
def invitation_accept(*, token, username, password):
    """Give the invited caregiver a portal login with the username and password they chose.

    The invitation is locked and marked used in the same transaction, so a link
    works once even when opened twice at the same moment. A caregiver whose
    access was removed before gets their old login back, with the new name and password.
    """
    invitation = invitation_from_token(token, lock=True)
    caregiver = lock(invitation.caregiver)
    if caregiver.user_id and caregiver.user.role != User.Role.FAMILY:
        raise InvitationRefused("invalid")
    user = family_login_set_up(
        user=caregiver.user,
        username=username,
        password=password,
        first_name=caregiver.first_name,
        last_name=caregiver.last_name,
        email=caregiver.email,
        language=family_language(caregiver.family),
    )
    caregiver_link_login(caregiver=caregiver, user=user)
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user


@transaction.atomic
def portal_access_remove(*, caregiver, actor):
    """Remove a caregiver's portal access: the login is deactivated (so its session ends at the
    next request), pending invitations stop working and the calendar address is turned off."""
    _require_manager(actor, caregiver)
    caregiver = Caregiver.objects.select_for_update(of=("self",)).select_related("user").get(pk=caregiver.pk)
    if not has_portal_access(caregiver):
        raise ValidationError(_("%(caregiver)s has no portal access.") % {"caregiver": caregiver})
    user_deactivate(user=caregiver.user)
    caregiver.portal_invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    CalendarFeed.objects.filter(caregiver=caregiver).delete()
    return caregiver


# Calendar feed


def _require_own_or_managed(actor, caregiver):
    if actor.pk != caregiver.user_id:
        _require_manager(actor, caregiver)


@transaction.atomic
def calendar_feed_create(*, caregiver, actor):
    """Give the caregiver a new private calendar address; the previous one stops working."""
    _require_own_or_managed(actor, caregiver)
    caregiver = lock(caregiver)
    CalendarFeed.objects.filter(caregiver=caregiver).delete()
    feed = CalendarFeed(caregiver=caregiver, seed=new_secret())
    feed.full_clean()
    feed.save()
    return feed


@transaction.atomic
def calendar_feed_revoke(*, caregiver, actor):
    """Turn the caregiver's calendar address off."""
    _require_own_or_managed(actor, caregiver)
    deleted, _detail = CalendarFeed.objects.filter(caregiver=caregiver).delete()
    return bool(deleted)


def calendar_feed_read(*, feed):
    """Note that a calendar app read the feed just now (the caregiver sees when it last did)."""
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())


# Used for nothing else, so the key derived from SECRET_KEY here matches no other HMAC of the site.
CALENDAR_FEED_SALT = "carecoord.portal.calendar-feed-address"


def calendar_feed_secret(feed):
    """The secret part of a feed's address: an HMAC-SHA256 of its UUID and random seed, under a key kept
    outside the database.

    The key is ``CARECOORD_CALENDAR_FEED_KEY``, or ``SECRET_KEY`` when that is
    empty, each through ``CALENDAR_FEED_SALT``. The database keeps the seed,
    never the address, so a read of it alone cannot make one; a new key gives
    every feed a new address (the old ones stop working).
    """
    key = settings.CARECOORD_CALENDAR_FEED_KEY or settings.SECRET_KEY
    mac = salted_hmac(CALENDAR_FEED_SALT, f"{feed.uuid}:{feed.seed}", secret=key, algorithm="sha256")
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def _feeds():
    return CalendarFeed.objects.select_related("caregiver__family", "caregiver__user")


def _open_feed(feed):
    """The feed, or None when there is none or its caregiver no longer has portal access."""
    if feed is None or not has_portal_access(feed.caregiver):
        return None
    return feed


def calendar_feed_for_address(feed_uuid, secret):
    """The feed an address opens, or None: unknown, revoked, replaced, a wrong secret, or access removed.

    The secret is made again from the stored seed and compared in constant time.
    """
    feed = _feeds().filter(uuid=feed_uuid).first()
    if feed is None or not constant_time_compare(calendar_feed_secret(feed), secret or ""):
        return None
    return _open_feed(feed)


def calendar_feed_for_legacy_token(token):
    """The feed an address made before addresses were derived opens (found by its token's hash), or None."""
    return _open_feed(_feeds().filter(legacy_token_hash=secret_hash(token or "")).first())


# Reminders


def _due_for_reminder(now):
    return (
        Appointment.objects.filter(
            status=Appointment.Status.SCHEDULED,
            start__gt=now,
            start__lte=now + REMINDER_LEAD,
            portal_reminder__isnull=True,
            child__family__archived_at__isnull=True,
        )
        .select_related("child__family")
        .order_by("start", "pk")
    )


def _reminder_recipients(family):
    emails = [caregiver.email for caregiver in family.caregivers.all() if caregiver.email]
    if not emails and family.email:
        emails = [family.email]
    return list(dict.fromkeys(emails))


def appointment_reminders_send(*, now=None):
    """Email each family two days before each scheduled appointment, in the family's language, once.

    The reminder row and the email share one transaction: the row's unique
    appointment stops a second run (or a second worker) from sending again, and
    a failed email rolls the row back so the next run tries again. Returns the
    number of reminders recorded.
    """
    now = now or timezone.now()
    appointments = list(_due_for_reminder(now))
    families = Family.objects.filter(pk__in={a.child.family_id for a in appointments}).prefetch_related(
        "caregivers"
    )
    recipients = {family.pk: _reminder_recipients(family) for family in families}
    sent = 0
    for appointment in appointments:
        family = appointment.child.family
        emails = recipients.get(family.pk, [])
        language = family_language(family)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    AppointmentReminder.objects.create(
                        appointment=appointment, sent_at=now, recipients=", ".join(emails), language=language
                    )
            except IntegrityError:
                continue  # another run got there first
            if emails:
                _send_reminder(appointment, emails, language)
        sent += 1
    return sent


def _send_reminder(appointment, emails, language):
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        context = {
            "appointment": appointment,
            "child": appointment.child,
            "map_url": map_url(appointment.place if not appointment.address else "", appointment.address),
            "portal_url": site_url(reverse("portal:home")),
            "center": settings.CARECOORD_CENTER_NAME,
        }
        subject = render_to_string("portal/email/reminder_subject.txt", context).strip()
        body = render_to_string("portal/email/reminder_body.txt", context)
    send_mail(subject, body, None, emails)
