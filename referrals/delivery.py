"""Emailing a referral to the receiving organization: whom, in which language, and what it says.

The services decide when (after the send, a resend or a batch being filled
commits); this module finds the address, writes the message with only the
minimum the organization needs, and sends it. A mail server that refuses or
cannot be reached is reported back as ``DeliveryFailed``, never swallowed.
"""

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# Where a referral contact's address is looked for, in order; the first found wins.
# The directory has no contacts table yet: a "referral contact" lookup slots in first here.


def _service_email(referral):
    return referral.service.email if referral.service_id else ""


def _organization_email(referral):
    return referral.service.organization.email if referral.service_id else ""


def _outside_contact_email(referral):
    """An outside provider's contact, when what was typed is an email address."""
    contact = "" if referral.service_id else referral.outside_contact.strip()
    try:
        validate_email(contact)
    except ValidationError:
        return ""
    return contact


CONTACT_SOURCES = (_service_email, _organization_email, _outside_contact_email)

# Languages an email to an organization can be written in; the first is the default.
EMAIL_LANGUAGES = ("en", "es")


class DeliveryFailed(Exception):
    """The mail server refused the message or could not be reached."""


def referral_contact_email(referral):
    """The address a referral is emailed to by default: the service's, else its organization's, else ''."""
    for source in CONTACT_SOURCES:
        address = (source(referral) or "").strip()
        if address:
            return address
    return ""


def service_contact_email(service):
    """The address a referral to ``service`` would be emailed to by default."""
    from .models import Referral

    return referral_contact_email(Referral(service=service))


def organization_language(referral):
    """The language an organization is written to: English when its service lists English or no
    language at all; else Spanish when it lists Spanish; else English (the default)."""
    if not referral.service_id:
        return EMAIL_LANGUAGES[0]
    codes = {code.casefold()[:2] for code in referral.service.languages.values_list("code", flat=True)}
    if not codes or "en" in codes:
        return "en"
    if "es" in codes:
        return "es"
    return EMAIL_LANGUAGES[0]


def organization_link_url(token):
    """The organization's link, absolute: an email is read far from the site."""
    return settings.CARECOORD_SITE_URL.rstrip("/") + reverse("referrals:organization-link", args=[token])


def _message(referral, *, to, template, context, subject=None, subject_template=None):
    """One email to the receiving organization, in its language: what every such email shows (the child's
    first name and age, the need's category, the coordinator and their phone, the center) plus ``context``.
    The subject is ``subject`` (a string with ``%(center)s`` and ``%(child)s``) or rendered from
    ``subject_template`` with the same context."""
    language = organization_language(referral)
    child = referral.child
    with translation.override(language):
        context = {
            "referral": referral,
            "organization": referral.organization_name,
            "child_first_name": child.first_name if child else "",
            "child_age": child.age if child else None,
            "category": str(referral.need.category),
            "coordinator_name": str(referral.case.coordinator),
            # The coordinator's own line, else the team's: as the organization's page shows it.
            "coordinator_phone": referral.case.coordinator.phone or referral.case.team.phone,
            "center": settings.CARECOORD_CENTER_NAME,
            **context,
        }
        body = render_to_string(template, context)
        if subject_template:
            subject = render_to_string(subject_template, context).strip()
        else:
            subject = str(subject) % {"center": context["center"], "child": context["child_first_name"]}
    return EmailMessage(subject=subject, body=body, to=[to])


def referral_email(referral, *, to, token):
    """The referral as the organization reads it: child's first name and age, the need's category, the
    note, the coordinator's name and team phone, the by-when dates and the link to answer."""
    return _message(
        referral,
        to=to,
        template="referrals/email/referral_sent.txt",
        subject=_("%(center)s: a referral for %(child)s"),
        context={"link": organization_link_url(token)},
    )


def filled_elsewhere_email(referral, *, to):
    """Tells an organization that the need it was asked about was filled by another service."""
    return _message(
        referral,
        to=to,
        template="referrals/email/referral_filled_elsewhere.txt",
        subject=_("%(center)s: the referral for %(child)s is withdrawn"),
        context={},
    )


def reminder_email(referral, *, deadline, due, link):
    """The one reminder before a deadline (``deadline`` is "acknowledge" or "outcome", due on ``due``),
    to the address the referral was sent to, with the organization's link."""
    return _message(
        referral,
        to=referral.sent_to,
        template="referrals/email/reminder_body.txt",
        subject_template="referrals/email/reminder_subject.txt",
        context={
            "deadline": deadline,
            "due": due,
            "sent_on": timezone.localdate(referral.requested_at),
            "link": link,
        },
    )


def deliver(message):
    """Send one message; DeliveryFailed when the mail server refuses it or cannot be reached."""
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryFailed(str(error) or error.__class__.__name__) from error
