"""Who may see and do what on the case side. Every view, export, search and service goes through here.

Views load records through the ``*_visible_to`` querysets (a 404 for anything
outside them); services check their actor with ``require_case_access`` or
``require_family_access`` before they change anything.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.permissions import has_role, is_staff_member, teams_led_by, teams_visible_to

from .models import Case, EmergencyAccess, Family


@dataclass(frozen=True)
class EmergencyGrants:
    """The cases (and their households) a user reaches through active emergency grants."""

    case_ids: frozenset = field(default_factory=frozenset)
    family_ids: frozenset = field(default_factory=frozenset)
    until: object = None

    def __bool__(self):
        return bool(self.case_ids)


NO_GRANTS = EmergencyGrants()


def may_request_emergency_access(user):
    """Coordinators and supervisors; administrators already see every team."""
    return user is not None and has_role(user, User.Role.COORDINATOR, User.Role.SUPERVISOR)


def emergency_grants(user):
    """The user's active grants, read once per request (``user.emergency_grants``, see cases.middleware)."""
    grants = getattr(user, "emergency_grants", None)
    if grants is None:
        grants = NO_GRANTS
        if may_request_emergency_access(user):
            rows = list(
                EmergencyAccess.objects.filter(user=user, ends_at__gt=timezone.now()).values_list(
                    "case_id", "case__family_id", "ends_at"
                )
            )
            if rows:
                grants = EmergencyGrants(
                    case_ids=frozenset(row[0] for row in rows),
                    family_ids=frozenset(row[1] for row in rows),
                    until=max(row[2] for row in rows),
                )
        user.emergency_grants = grants
    return grants


def families_visible_to(user):
    """Households of the teams the user works in (all of them for administrators)."""
    if not is_staff_member(user):
        return Family.objects.none()
    if user.role == User.Role.ADMIN:
        return Family.objects.all()
    grants = emergency_grants(user)
    if grants:
        return Family.objects.filter(Q(team__in=teams_visible_to(user)) | Q(pk__in=grants.family_ids))
    return Family.objects.filter(team__in=teams_visible_to(user))


def cases_visible_to(user):
    """Cases of the teams the user works in (all of them for administrators)."""
    if not is_staff_member(user):
        return Case.objects.none()
    if user.role == User.Role.ADMIN:
        return Case.objects.all()
    grants = emergency_grants(user)
    if grants:
        return Case.objects.filter(Q(team__in=teams_visible_to(user)) | Q(pk__in=grants.case_ids))
    return Case.objects.filter(team__in=teams_visible_to(user))


def works_in_team(user, team_id):
    """Staff of the team, and administrators: who reads and writes the team's families and cases."""
    if user is None or not is_staff_member(user):
        return False
    return user.role == User.Role.ADMIN or user.teams.filter(pk=team_id).exists()


def can_work_case(user, case):
    """Read and write a case: staff of its team, administrators, and holders of an emergency grant to it."""
    if works_in_team(user, case.team_id):
        return True
    return user is not None and is_staff_member(user) and case.pk in emergency_grants(user).case_ids


def can_work_family(user, family):
    """Read and write a household and its people: as for its cases (an emergency grant included)."""
    if works_in_team(user, family.team_id):
        return True
    return user is not None and is_staff_member(user) and family.pk in emergency_grants(user).family_ids


def can_approve_closure(user, case):
    """Approve or return closures, reassign and review: supervisors of the case's team."""
    return is_staff_member(user) and teams_led_by(user).filter(pk=case.team_id).exists()


def can_supervise_family(user, family):
    """Supervisors of the household's team, and administrators: who read its access history."""
    return is_staff_member(user) and teams_led_by(user).filter(pk=family.team_id).exists()


def require_case_access(actor, case):
    """The check every case service makes first: PermissionDenied unless ``actor`` works the case."""
    if not can_work_case(actor, case):
        raise PermissionDenied


def require_family_access(actor, family):
    """The same check for a household's records (people, consent, ED visits, appointments on no case)."""
    if not can_work_family(actor, family):
        raise PermissionDenied


def require_team_access(actor, team):
    """The same check for a new household of ``team``."""
    if not works_in_team(actor, team.pk):
        raise PermissionDenied
