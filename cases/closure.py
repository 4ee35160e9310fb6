"""What must be settled before a case can close.

The single place where apps add closure checks: a check takes a case and
returns the list of things still open (human-readable strings). ``cases``
registers the needs check; ``referrals`` registers open referrals from its
AppConfig.ready(), so ``cases`` never imports ``referrals``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_checks = []


class ClosureBlocked(ValidationError):
    """The case still has open work; ``blockers`` lists it."""

    def __init__(self, blockers):
        super().__init__(_("The case cannot close yet."), code="closure_blocked")
        self.blockers = blockers


def register_closure_check(check):
    if check not in _checks:
        _checks.append(check)
    return check


def closure_blockers(case):
    """Everything that stops ``case`` from closing, as messages for the coordinator."""
    blockers = []
    for check in _checks:
        blockers.extend(check(case))
    return blockers


@register_closure_check
def unresolved_needs(case):
    from .models import Need

    needs = case.needs.exclude(status__in=Need.RESOLVED).select_related("category", "child")
    return [
        _("Need not resolved: %(category)s — %(description)s%(child)s")
        % {
            "category": need.category,
            "description": need.description[:80],
            "child": f" ({need.child.first_name})" if need.child else "",
        }
        for need in needs
    ]
