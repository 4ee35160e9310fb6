"""Inbox items by email: at once after the change commits, or in a daily digest, in the reader's language."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification

logger = logging.getLogger(__name__)


def _absolute(url):
    return settings.CARECOORD_SITE_URL.rstrip("/") + url


def email_immediately(ids):
    """Email each item not emailed yet; a failure is logged and the item stays in the inbox."""
    items = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("recipient")
    for item in items:
        user = item.recipient
        if not user.email:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = _("carecoord: %(kind)s") % {"kind": item.get_kind_display()}
            body = "\n\n".join([item.message, _absolute(item.url)])
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:  # noqa: BLE001 — a mail server down must not undo the change that made the item.
            logger.exception("Could not email notification %s", item.uuid)
            continue
        Notification.objects.filter(pk=item.pk).update(emailed_at=timezone.now())
