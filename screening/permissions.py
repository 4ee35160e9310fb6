"""Who sees which screenings. Every screening view, export and service goes through here.

Staff see the screenings of the cases they see (``cases.permissions``); a
family login sees only the portal screenings it was asked to answer itself:
never another caregiver's, never another family's.
"""

from django.core.exceptions import PermissionDenied

from accounts.permissions import is_family_member
from cases.permissions import cases_visible_to, require_case_access

from .models import NeedProposal, Screening


def screenings_visible_to(user):
    """Screenings on the cases the staff user sees; none for anyone else."""
    return Screening.objects.filter(case__in=cases_visible_to(user))


def proposals_visible_to(user):
    return NeedProposal.objects.filter(screening__case__in=cases_visible_to(user))


def portal_screenings_for(user):
    """The screenings sent to the family portal for this login's caregiver to answer (withdrawn ones gone)."""
    if not is_family_member(user):
        return Screening.objects.none()
    return (
        Screening.objects.filter(respondent__user=user, mode=Screening.Mode.PORTAL)
        .exclude(status=Screening.Status.WITHDRAWN)
        .select_related("instrument", "case__family")
    )


def require_screening_access(actor, screening):
    """Staff of the screening's case: the check every staff service on a screening makes first."""
    require_case_access(actor, screening.case)


def require_respondent(actor, screening):
    """The caregiver the portal screening was sent to, signed in with their own family login."""
    if (
        actor is None
        or not is_family_member(actor)
        or screening.mode != Screening.Mode.PORTAL
        or screening.respondent.user_id != actor.pk
    ):
        raise PermissionDenied
