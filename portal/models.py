"""The family portal's own records: invitations, calendar feeds and appointment reminders."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecoord.models import UUIDModel


def new_secret():
    """A random secret for an address: 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def secret_hash(secret):
    """Invitation secrets (and old calendar addresses) are stored only as this hash: the database alone opens
    nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


class PortalInvitation(UUIDModel):
    """A one-time, expiring link with which a caregiver sets up a portal login."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be used")
        USED = "used", _("Used")
        EXPIRED = "expired", pgettext_lazy("invitation state", "Expired")
        REVOKED = "revoked", _("Revoked")

    caregiver = models.ForeignKey(
        "cases.Caregiver",
        verbose_name=_("caregiver"),
        on_delete=models.CASCADE,
        related_name="portal_invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    emailed_to = models.EmailField(_("emailed to"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("portal invitation")
        verbose_name_plural = _("portal invitations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["caregiver", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="portal_invitation_expires_later"
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True),
                name="portal_invitation_used_or_revoked",
            ),
        ]

    def __str__(self):
        return f"{self.caregiver} ({self.created_at:%Y-%m-%d})"

    def state_at(self, moment):
        if self.used_at:
            return self.State.USED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= moment:
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def state(self):
        return self.state_at(timezone.now())

    @property
    def is_pending(self):
        return self.state == self.State.PENDING


class CalendarFeed(UUIDModel):
    """A caregiver's private calendar address; a new one replaces it.

    The address is the feed's UUID and a secret derived from ``seed`` with a
    key kept outside the database (``portal.services.calendar_feed_secret``):
    the caregiver reads it again on the portal to subscribe on another device,
    yet the database alone cannot make it. An address made before addresses
    were derived keeps working through the hash of its token
    (``legacy_token_hash``) until the caregiver makes a new one.
    """

    caregiver = models.OneToOneField(
        "cases.Caregiver",
        verbose_name=_("caregiver"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    seed = models.CharField(max_length=64, default=new_secret, editable=False)
    legacy_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_fetched_at = models.DateTimeField(_("last read by a calendar"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.caregiver)


class AppointmentReminder(models.Model):
    """The reminder email of one appointment: its row exists once it is sent, so it is sent once."""

    appointment = models.OneToOneField(
        "referrals.Appointment",
        verbose_name=_("appointment"),
        on_delete=models.CASCADE,
        related_name="portal_reminder",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.TextField(_("sent to"), blank=True)
    language = models.CharField(_("language"), max_length=8)

    class Meta:
        verbose_name = _("appointment reminder")
        verbose_name_plural = _("appointment reminders")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.appointment} ({self.sent_at:%Y-%m-%d})"
