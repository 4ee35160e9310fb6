"""Who may see and do what on the case side. Every view, export, search and service goes through here.

Views load records through the ``*_visible_to`` querysets (a 404 for anything
outside them); services check their actor with ``require_case_access`` or
``require_family_access`` before they change anything.
"""

from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.permissions import is_staff_member, teams_led_by, teams_visible_to

from .models import Case, Family


def families_visible_to(user):
    """Households of the teams the user works in (all of them for administrators)."""
    if not is_staff_member(user):
        return Family.objects.none()
    if user.role == User.Role.ADMIN:
        return Family.objects.all()
    return Family.objects.filter(team__in=teams_visible_to(user))


def cases_visible_to(user):
    """Cases of the teams the user works in (all of them for administrators)."""
    if not is_staff_member(user):
        return Case.objects.none()
    if user.role == User.Role.ADMIN:
        return Case.objects.all()
    return Case.objects.filter(team__in=teams_visible_to(user))


def works_in_team(user, team_id):
    """Staff of the team, and administrators: who reads and writes the team's families and cases."""
    if user is None or not is_staff_member(user):
        return False
    return user.role == User.Role.ADMIN or user.teams.filter(pk=team_id).exists()


def can_work_case(user, case):
    """Read and write a case: staff of its team, and administrators."""
    return works_in_team(user, case.team_id)


def can_work_family(user, family):
    """Read and write a household and its people: staff of its team, and administrators."""
    return works_in_team(user, family.team_id)


def can_approve_closure(user, case):
    """Approve or return closures, reassign and review: supervisors of the case's team."""
    return is_staff_member(user) and teams_led_by(user).filter(pk=case.team_id).exists()


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
