"""What needs a staff user's attention: the items of their "For you" inbox, and how they want them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecoord.models import UUIDModel


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(UUIDModel):
    """One item in one person's inbox, made by the service call that made the change it reports.

    The text is not stored: ``kind`` and ``params`` (names, codes, ISO dates) are,
    and each reader sees the item in their own language and time zone
    (``notifications.messages``). ``key``, when set, makes the item once per
    recipient whatever the schedule: a rule that fires again finds it made.
    """

    class Kind(models.TextChoices):
        REFERRAL_ACCEPTED = "referral_accepted", _("An organization accepted a referral")
        REFERRAL_DECLINED = "referral_declined", _("An organization declined a referral")
        APPOINTMENT_PROPOSED = "appointment_proposed", _("An organization proposed an appointment")
        APPOINTMENT_CHANGED = "appointment_changed", _("An organization changed an appointment")
        APPOINTMENT_CANCELLED = "appointment_cancelled", _("An organization cancelled an appointment")
        SERVICE_DELIVERED = "service_delivered", _("An organization marked a service delivered")
        REFERRAL_NOT_SENT = "referral_not_sent", _("A referral could not be emailed")
        CLOSURE_RETURNED = "closure_returned", _("A supervisor returned a closure")
        CASE_REVIEWED = "case_reviewed", _("A supervisor reviewed a case")
        TASK_ASSIGNED = "task_assigned", _("A task was assigned to you")
        TASK_OVERDUE = "task_overdue", _("A task is overdue")
        FOLLOW_UP_RULE = "follow_up_rule", _("A follow-up rule asked for an action")
        ESCALATION = "escalation", _("An organization missed a deadline (escalation)")
        EMERGENCY_ACCESS = "emergency_access", _("Someone outside the team opened a case in an emergency")
        PORTAL_FIRST_SIGN_IN = (
            "portal_first_sign_in",
            _("A caregiver signed in to the portal for the first time"),
        )
        SCREENING_SAFETY = "screening_safety", _("A screening found a safety concern (urgent)")
        SCREENING_ANSWERED = "screening_answered", _("A family answered screening questions in the portal")
        SCREENING_DUE = "screening_due", _("A family is due for social-needs screening")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500)
    urgent = models.BooleanField(_("urgent"), default=False)
    key = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once_per_key"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def is_read(self):
        return self.read_at is not None

    @property
    def message(self):
        """The item's sentence in the active language and time zone."""
        from .messages import render

        return render(self)


class NotificationPreference(models.Model):
    """How one user wants one kind of item delivered; without a row, ``DEFAULT_DELIVERY`` applies."""

    class Delivery(models.TextChoices):
        IN_APP = "in_app", _("In the app only")
        IMMEDIATE = "immediate", _("In the app and by email at once")
        DIGEST = "digest", _("In the app and in a daily email digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Notification.Kind)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery, default=Delivery.IN_APP)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.delivery}"


# In-app only, except what must not wait for the next visit: overdue work and escalations are also emailed.
DEFAULT_DELIVERY = {
    Notification.Kind.TASK_OVERDUE: NotificationPreference.Delivery.IMMEDIATE,
    Notification.Kind.ESCALATION: NotificationPreference.Delivery.IMMEDIATE,
    Notification.Kind.EMERGENCY_ACCESS: NotificationPreference.Delivery.IMMEDIATE,
    Notification.Kind.SCREENING_SAFETY: NotificationPreference.Delivery.IMMEDIATE,
}


def default_delivery(kind):
    return DEFAULT_DELIVERY.get(kind, NotificationPreference.Delivery.IN_APP)
