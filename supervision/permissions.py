"""Who may supervise which cases and coordinators. Every supervision page goes through here.

A supervisor supervises the teams they lead (``teams_led_by``); an administrator
every team. The cases and coordinators of those teams are the whole scope of
this app, and anything outside it is a 404.
"""

from django.db.models import Q

from accounts.models import User
from accounts.permissions import is_supervising, teams_led_by
from cases.models import Case, Family
from cases.permissions import cases_visible_to


def can_supervise(user):
    """Supervisors and administrators reach the supervision pages; everyone else gets a 404."""
    return is_supervising(user)


def cases_supervised_by(user):
    """Cases of the teams ``user`` leads (every case for an administrator)."""
    if not can_supervise(user):
        return Case.objects.none()
    return cases_visible_to(user).filter(team__in=teams_led_by(user))


def families_supervised_by(user):
    """Households of the teams ``user`` leads (every household for an administrator)."""
    if not can_supervise(user):
        return Family.objects.none()
    return Family.objects.filter(team__in=teams_led_by(user))


def people_supervised_by(user):
    """Active coordinators of the led teams, and anyone who still holds an open case there.

    The second half keeps on the overview a coordinator who left the team, or a
    supervisor who took a case, as long as they hold work the supervisor must see.
    """
    if not can_supervise(user):
        return User.objects.none()
    teams = teams_led_by(user)
    holding = cases_supervised_by(user).open().values("coordinator")
    members = User.objects.filter(teams__in=teams, role=User.Role.COORDINATOR, is_active=True).values("pk")
    # Two semi-joins rather than a join and DISTINCT over every column of the user.
    return User.objects.filter(Q(pk__in=members) | Q(pk__in=holding)).order_by(
        "first_name", "last_name", "username"
    )


def reassignment_targets(user):
    """Coordinators a supervisor may give cases to: active coordinators of the teams they lead."""
    if not can_supervise(user):
        return User.objects.none()
    return (
        User.objects.filter(teams__in=teams_led_by(user), role=User.Role.COORDINATOR, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
