"""Referrals, their events and appointments: the closed loop."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoord.models import TimelineEvent, TrackedModel

from ..querysets import ReferralQuerySet
from .directory import Service


def new_link_key():
    return secrets.token_urlsafe(12)


class Referral(TrackedModel):
    """A need sent to a directory service or a named outside provider.

    Status follows HL7 FHIR ``Task.status``; every change is a ReferralEvent.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REQUESTED = "requested", _("Requested")
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in-progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")
        ON_HOLD = "on-hold", _("On hold")

    class ReasonCode(models.TextChoices):
        """Why an organization declined or could not deliver; counted in the reports."""

        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        NO_CAPACITY = "no_capacity", _("No capacity")
        FAMILY_UNREACHABLE = "family_unreachable", _("Could not reach the family")
        FAMILY_DECLINED = "family_declined", _("Family declined")
        FILLED_ELSEWHERE = "filled_elsewhere", _("Filled by another service")
        OTHER = "other", _("Other")

    need = models.ForeignKey(
        "cases.Need", verbose_name=_("need"), on_delete=models.PROTECT, related_name="referrals"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="referrals",
        null=True,
        blank=True,
    )
    outside_provider = models.CharField(
        _("outside provider"),
        max_length=200,
        blank=True,
        help_text=_("A provider who is not in the directory, by name."),
    )
    outside_contact = models.CharField(_("provider contact"), max_length=200, blank=True)
    note = models.TextField(
        _("note for the receiving organization"),
        blank=True,
        help_text=_("Shown to the organization through its link: keep it to what they need to know."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    status_reason = models.TextField(_("reason"), blank=True)
    reason_code = models.CharField(_("reason code"), max_length=30, choices=ReasonCode, blank=True)
    # The email address the referral was last sent to (the organization's referral contact).
    sent_to = models.EmailField(_("sent to"), max_length=254, blank=True)
    # Referrals of one need sent to several services at once share a batch: the first to accept wins.
    batch = models.UUIDField(_("batch"), null=True, blank=True, db_index=True, editable=False)
    acknowledge_due = models.DateField(_("acknowledgement due"), null=True, blank=True)
    outcome_due = models.DateField(_("outcome due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    # Each deadline's reminder and escalation fires once: these say when it did.
    acknowledge_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcome_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    acknowledge_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcome_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    requested_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Changing this key revokes every link given out before.
    link_key = models.CharField(max_length=32, default=new_link_key, editable=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["case", "status"]),
            models.Index(fields=["status", "requested_at"]),
            models.Index(fields=["requested_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | ~Q(outside_provider=""),
                name="referral_has_a_recipient",
                violation_error_message=_("Choose a directory service or name an outside provider."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(status_reason=""),
                name="referral_rejected_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.need.category} → {self.recipient}"

    @property
    def recipient(self):
        if self.service_id:
            return f"{self.service.name} ({self.service.organization.name})"
        return self.outside_provider

    @property
    def organization_name(self):
        """Who receives the referral: the directory service's organization, or the outside provider."""
        return self.service.organization.name if self.service_id else self.outside_provider

    @property
    def child(self):
        """The child the referral is for: the need's, else the case's eldest (an appointment the
        organization proposes is booked for them)."""
        return self.need.child or self.case.children.order_by("date_of_birth").first()

    @property
    def is_terminal(self):
        """No move leaves the status (``referrals.transitions.TERMINAL``, read from the lifecycle table)."""
        from ..transitions import TERMINAL

        return self.status in TERMINAL

    @property
    def is_open(self):
        return not self.is_terminal


class ReferralEvent(TimelineEvent):
    """One change of a referral's status, by a user or by the receiving organization."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        indexes = [models.Index(fields=["referral", "-at"])]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"

    def status_label(self, code):
        return Referral.Status(code).label if code in Referral.Status.values else code


class Appointment(TrackedModel):
    """A child's appointment, from a referral or on its own."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        ATTENDED = "attended", _("Attended")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    child = models.ForeignKey(
        "cases.Child", verbose_name=_("child"), on_delete=models.PROTECT, related_name="appointments"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="appointments",
        null=True,
        blank=True,
    )
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("referral"),
        on_delete=models.PROTECT,
        related_name="appointments",
        null=True,
        blank=True,
    )
    provider = models.CharField(_("provider"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    start = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.SCHEDULED)
    transportation_arranged = models.BooleanField(_("transportation arranged"), default=False)
    transportation_details = models.CharField(_("transportation details"), max_length=300, blank=True)
    instructions_for_family = models.TextField(
        _("instructions for the family"),
        blank=True,
        help_text=_("Shown to the family in the portal: what to bring, where to go."),
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Never shown to the family or the organization.")
    )
    proposed_by_organization = models.BooleanField(_("proposed by the organization"), default=False)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["start"]
        indexes = [
            models.Index(fields=["child", "start"]),
            models.Index(fields=["status", "start"]),
            models.Index(fields=["case", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=24 * 60),
                name="appointment_duration_range",
            ),
        ]

    def __str__(self):
        return f"{self.child.first_name}: {self.provider} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"
