"""A household's access history in words: who opened or changed what, when, from where.

The access log stores page names (URL names) and kinds of record; this module says
them in the reader's language. A page missing here still shows, by its URL name.
"""

from functools import cache

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from accounts.models import User

PAGES = {
    "cases:family-detail": _("family page"),
    "cases:family-edit": _("family details"),
    "cases:family-archive": _("archiving the family"),
    "cases:family-unarchive": _("restoring the family"),
    "cases:caregiver-add": _("adding a caregiver"),
    "cases:caregiver-edit": _("a caregiver's details"),
    "cases:child-add": _("adding a child"),
    "cases:child-edit": _("a child's details"),
    "cases:consent-add": _("recording consent"),
    "cases:consent-withdraw": _("withdrawing consent"),
    "cases:case-open": _("opening a case"),
    "cases:edvisit-add": _("recording an ED visit"),
    "cases:edvisit-edit": _("correcting an ED visit"),
    "cases:case-detail": _("case page"),
    "cases:case-edit": _("case details"),
    "cases:case-history": _("case history"),
    "cases:emergency-access": _("emergency access request"),
    "cases:case-activate": _("activating the case"),
    "cases:case-closure-request": _("asking to close the case"),
    "cases:case-closure-approve": _("approving the closure"),
    "cases:case-closure-return": _("returning the closure"),
    "cases:case-reopen": _("reopening the case"),
    "cases:need-add": _("adding a need"),
    "cases:need-edit": _("a need"),
    "cases:need-status": _("a need's status"),
    "cases:goal-add": _("adding a goal"),
    "cases:goal-edit": _("a goal"),
    "cases:activity-add": _("recording an activity"),
    "cases:task-add": _("adding a task"),
    "cases:task-complete": _("completing a task"),
    "referrals:referral-new": _("new referral"),
    "referrals:referral-detail": _("referral page"),
    "referrals:referral-status": _("a referral's status"),
    "referrals:referral-link-revoke": _("turning off an organization's link"),
    "referrals:appointment-new": _("booking an appointment"),
    "referrals:appointment-edit": _("an appointment"),
    "referrals:appointment-outcome": _("an appointment's outcome"),
    "referrals:directory-search": _("directory search for a need"),
    "referrals:organization-link": _("the organization's referral link"),
    "portal:home": _("family portal"),
    "portal:summary-print": _("family portal: printable summary"),
    "portal:summary-pdf": _("family portal: PDF summary"),
    "portal:calendar-feed": _("family portal: calendar feed"),
    "portal:calendar-feed-legacy": _("family portal: calendar feed"),
    "portal:invitation-create": _("portal invitation"),
    "portal:invitation-revoke": _("withdrawing a portal invitation"),
    "portal:access-remove": _("removing portal access"),
    "supervision:case-review": _("supervisor review"),
    "supervision:family-access": _("access history"),
}

ROLES = {
    "organization": _("Organization (referral link)"),
    "calendar": _("Calendar app (family's feed)"),
}


@cache
def _record_names():
    return {model._meta.model_name: model._meta.verbose_name for model in apps.get_models()}


def page_label(view):
    return PAGES.get(view, view)


def record_label(object_type):
    return _record_names().get(object_type, object_type)


def role_label(role):
    if role in ROLES:
        return ROLES[role]
    return dict(User.Role.choices).get(role, role)
