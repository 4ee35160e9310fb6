"""Inbox items by email: at once after the change commits, or in a daily digest, in the reader's language.

An email that cannot be sent is logged and the item stays in the inbox, unstamped,
so the next digest (or a person opening the inbox) still finds it.
"""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Notification

logger = logging.getLogger(__name__)

# What a mail server or the network raises when a message cannot be handed over.
SEND_ERRORS = (SMTPException, OSError)


def absolute_url(url):
    """The item's relative address on the site, as a link that works from a mail client."""
    return settings.CARECOORD_SITE_URL.rstrip("/") + url


def language_of(user):
    return user.language or settings.LANGUAGE_CODE


def _render(template, context, user):
    with translation.override(language_of(user)):
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        body = render_to_string(f"notifications/email/{template}_body.txt", context)
    return " ".join(subject.split()), body


def _send(subject, body, user):
    """Hand one message to the mail server; False (and a log line) when it refuses."""
    try:
        send_mail(subject, body, None, [user.email])
    except SEND_ERRORS:
        logger.exception("Could not email notifications to user %s", user.pk)
        return False
    return True


def _entries(items, user):
    """Each item's sentence and link, rendered in the reader's language."""
    with translation.override(language_of(user)):
        return [
            {
                "message": item.message,
                "link": absolute_url(item.url),
                "urgent": item.urgent,
                "kind": item.get_kind_display(),
            }
            for item in items
        ]


def email_immediately(ids):
    """Email each item not emailed yet, one message each; a failure is logged and the item stays unstamped."""
    items = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("recipient")
    for item in items:
        user = item.recipient
        if not user.email or not user.is_active:
            continue
        context = {
            "user": user,
            "item": _entries([item], user)[0],
            "inbox": absolute_url(reverse("notifications:inbox")),
        }
        subject, body = _render("immediate", context, user)
        if _send(subject, body, user):
            Notification.objects.filter(pk=item.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())


def email_digest(user, items):
    """One message listing ``items`` for ``user``; True when the mail server took it."""
    context = {
        "user": user,
        "items": _entries(items, user),
        "inbox": absolute_url(reverse("notifications:inbox")),
    }
    subject, body = _render("digest", context, user)
    return _send(subject, body, user)
