"""The access log: who opened, listed, searched, exported or changed what, and every sign-in.

django-auditlog keeps the field-by-field history of records (the case history page);
this log keeps *access*, including what has no record of its own — a list, a search,
an export, a refused request, a sign-in — and, unlike auditlog's entries, it holds
no text of the record: the kind of record and its UUID, the household's internal id
for the access-history page, and counts. No name, note or health information goes in.

Entries are append-only: the model refuses updates and deletes, and on PostgreSQL a
trigger refuses them for any client (migration 0002).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit entry."""


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be removed")

    def for_family(self, family_id):
        return self.filter(family_id=family_id)


class AccessEvent(models.Model):
    class Action(models.TextChoices):
        READ = "read", pgettext_lazy("access log action", "Opened")
        LIST = "list", pgettext_lazy("access log action", "Listed")
        SEARCH = "search", pgettext_lazy("access log action", "Searched")
        EXPORT = "export", pgettext_lazy("access log action", "Exported")
        CHANGE = "change", pgettext_lazy("access log action", "Changed")
        DENIED = "denied", pgettext_lazy("access log action", "Refused")
        SIGN_IN = "sign_in", pgettext_lazy("access log action", "Signed in")
        SIGN_IN_FAILED = "sign_in_failed", pgettext_lazy("access log action", "Sign-in failed")
        SIGN_OUT = "sign_out", pgettext_lazy("access log action", "Signed out")
        LOCKED_OUT = "locked_out", pgettext_lazy("access log action", "Locked out")
        EMERGENCY_ACCESS = "emergency_access", pgettext_lazy("access log action", "Emergency access granted")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        # A user with entries is deactivated, never deleted: the entries keep naming them.
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action)
    view = models.CharField(_("page"), max_length=100, blank=True)
    method = models.CharField(_("method"), max_length=8, blank=True)
    status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    object_type = models.CharField(_("kind of record"), max_length=40, blank=True)
    object_uuid = models.UUIDField(_("record"), null=True, blank=True)
    family_id = models.BigIntegerField(_("household"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    emergency = models.BooleanField(_("emergency access"), default=False)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["family_id", "-at"], name="audit_family_at"),
            models.Index(fields=["user", "-at"], name="audit_user_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.view}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be removed")
