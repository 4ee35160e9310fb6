"""Abstract bases shared by every app's models."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UUIDModel(models.Model):
    """A record addressed by a random UUID in URLs, never by its sequential id."""

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TrackedModel(UUIDModel):
    """A record that knows who created and last changed it, and a version.

    The version is bumped by every service that writes the record, so a form
    opened on an older version can be refused instead of overwriting newer data.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class TimelineEvent(UUIDModel):
    """A change in a record's life that people read on a timeline: what moved, when, by whom, why.

    ``actor`` is the user who made the change; a change made from outside (the
    receiving organization through its link) has no actor and names the outside
    party in ``actor_label``. Subclasses add what the event belongs to, and say
    how their status codes read (``status_label``).
    """

    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("by (outside)"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]

    @property
    def who(self):
        return self.actor_label or (str(self.actor) if self.actor else "")

    def status_label(self, code):
        """The readable name of a status code this event stores."""
        return code

    @property
    def from_label(self):
        return self.status_label(self.from_status) if self.from_status else ""

    @property
    def to_label(self):
        return self.status_label(self.to_status) if self.to_status else ""
