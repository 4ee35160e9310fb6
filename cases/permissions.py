"""Who may see and do what on the case side. Every view, export and search goes through here."""

from accounts.models import User
from accounts.permissions import is_staff_member, teams_led_by, teams_visible_to

from .models import Case, Child, Family, Task


def families_visible_to(user):
    """Households of the teams the user works in (all of them for administrators)."""
    if not is_staff_member(user):
        return Family.objects.none()
    if user.role == User.Role.ADMIN:
        return Family.objects.all()
    return Family.objects.filter(team__in=teams_visible_to(user))


def cases_visible_to(user):
    if not is_staff_member(user):
        return Case.objects.none()
    if user.role == User.Role.ADMIN:
        return Case.objects.all()
    return Case.objects.filter(team__in=teams_visible_to(user))


def children_visible_to(user):
    return Child.objects.filter(family__in=families_visible_to(user))


def tasks_visible_to(user):
    return Task.objects.filter(case__in=cases_visible_to(user))


def can_work_case(user, case):
    """Read and write a case: staff of its team, and administrators."""
    if not is_staff_member(user):
        return False
    return user.role == User.Role.ADMIN or user.teams.filter(pk=case.team_id).exists()


def can_approve_closure(user, case):
    """Approve or return closures, reassign and review: supervisors of the case's team."""
    return is_staff_member(user) and teams_led_by(user).filter(pk=case.team_id).exists()


def can_edit_family(user, family):
    if not is_staff_member(user):
        return False
    return user.role == User.Role.ADMIN or user.teams.filter(pk=family.team_id).exists()
