"""Each kind of inbox item as a sentence, rendered for the reader at the moment they read it.

Parameters are plain values (names, codes); a parameter named ``when`` or
ending in ``_at`` holds an ISO date-time and one ending in ``_on`` an ISO date,
shown in the reader's language and the site's time zone. A parameter that a
message names but the item lacks reads as empty rather than breaking the inbox.
Codes (a need's category) are shown through ``register_param_display``.
"""

import datetime
from collections import defaultdict

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from .models import Notification

K = Notification.Kind

MESSAGES = {
    K.REFERRAL_ACCEPTED: _("%(organization)s accepted the referral for %(child)s (%(need)s)."),
    K.REFERRAL_DECLINED: _("%(organization)s declined the referral for %(child)s (%(need)s): %(reason)s"),
    K.APPOINTMENT_PROPOSED: _("%(organization)s booked an appointment for %(child)s on %(when)s."),
    K.APPOINTMENT_CHANGED: _("%(organization)s changed the appointment for %(child)s: now %(when)s."),
    K.APPOINTMENT_CANCELLED: _("%(organization)s cancelled the appointment for %(child)s of %(when)s."),
    K.SERVICE_DELIVERED: _("%(organization)s marked the service delivered for %(child)s (%(need)s)."),
    K.REFERRAL_NOT_SENT: _("The referral to %(organization)s could not be emailed: call the organization."),
    K.CLOSURE_RETURNED: _("%(supervisor)s returned the closure of the %(family)s case: %(note)s"),
    K.CASE_REVIEWED: _("%(supervisor)s reviewed the %(family)s case."),
    K.TASK_ASSIGNED: _("%(by)s assigned you a task for %(family)s: %(title)s"),
    K.TASK_OVERDUE: _("Overdue since %(due_on)s: %(title)s (%(family)s)"),
    K.FOLLOW_UP_RULE: _("Follow-up for %(family)s: %(title)s"),
    K.ESCALATION: _(
        "%(organization)s has not %(deadline)s the referral for %(family)s (due %(due_on)s; "
        "coordinator %(coordinator)s)."
    ),
    K.EMERGENCY_ACCESS: _(
        "%(user)s (%(user_team)s) opened the %(family)s case in an emergency (until %(until_at)s); "
        "the reason and everything opened are on the family's access history."
    ),
    K.PORTAL_FIRST_SIGN_IN: _(
        "%(caregiver)s signed in to the family portal for the first time (%(family)s)."
    ),
    K.SCREENING_SAFETY: _(
        "A screening of the %(family)s family has a positive interpersonal safety result: contact "
        "%(caregiver)s soon, somewhere they can talk safely."
    ),
    K.SCREENING_ANSWERED: _(
        "%(caregiver)s answered the screening questions in the family portal (%(family)s): review the "
        "answers and the needs they propose."
    ),
    K.SCREENING_DUE: _("The %(family)s family is due for social-needs screening (since %(due_on)s)."),
}

# Codes a message may carry in ``deadline``, shown as words.
DEADLINES = {"acknowledge": _("acknowledged"), "outcome": _("reported an outcome for")}


def _day(value):
    """An ISO date, or the local day of an ISO date-time given where a date was meant."""
    try:
        day = parse_date(value)
    except ValueError:
        return None
    if day is None:
        moment = parse_datetime(value)
        if moment is not None:
            day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return day


# How a parameter holding a code reads, by parameter name: registered by the app that owns the codes
# (``cases`` registers ``need``, a service category code), since this app sits below them.
PARAM_DISPLAYS = {}


def register_param_display(name, display):
    """Show parameter ``name`` as ``display(value)``, in the reader's language; unknown codes stay."""
    PARAM_DISPLAYS[name] = display


def _display(name, value):
    if not isinstance(value, str) or not value:
        return value
    if name in PARAM_DISPLAYS:
        return PARAM_DISPLAYS[name](value)
    if name == "when" or name.endswith("_at"):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.UTC)
            return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if name.endswith("_on"):
        day = _day(value)
        if day is not None:
            return formats.date_format(day, "DATE_FORMAT")
    if name == "deadline" and value in DEADLINES:
        return DEADLINES[value]
    return value


def render(notification):
    values = defaultdict(str, {name: _display(name, value) for name, value in notification.params.items()})
    template = MESSAGES.get(notification.kind)
    if template is None:
        return str(notification.get_kind_display())
    text = str(template) % values
    # A value ending a sentence with its own full stop ("3 p.m.") does not get a second one.
    return text[:-1] if text.endswith("..") else text
