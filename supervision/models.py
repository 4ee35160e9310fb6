"""The supervisors' own records: who downloaded which report, when."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoord.models import UUIDModel


class ReportDownload(UUIDModel):
    """One CSV download of an outcome report: who, which report, with which parameters, when.

    Append-only: written by ``report_download_record`` and never changed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("downloaded by"),
        on_delete=models.PROTECT,
        related_name="report_downloads",
    )
    report = models.CharField(_("report"), max_length=40)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("report download")
        verbose_name_plural = _("report downloads")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"]), models.Index(fields=["-at"])]

    def __str__(self):
        return f"{self.report} {self.at:%Y-%m-%d %H:%M}"
