"""Who may see which teams and staff users. Every view goes through here."""

from .models import Team, User


def teams_visible_to(user):
    """Teams a user works in; administrators see every team, families none."""
    if not user.is_authenticated:
        return Team.objects.none()
    if user.role == User.Role.ADMIN:
        return Team.objects.all()
    if user.role in (User.Role.COORDINATOR, User.Role.SUPERVISOR):
        return user.teams.all()
    return Team.objects.none()


def teams_led_by(user):
    """Teams whose cases a user may reassign and whose closures they approve."""
    if not user.is_authenticated:
        return Team.objects.none()
    if user.role == User.Role.ADMIN:
        return Team.objects.all()
    if user.role == User.Role.SUPERVISOR:
        return user.teams.all()
    return Team.objects.none()


def staff_visible_to(user):
    """Staff users in the teams a user can see (for assignment pickers)."""
    return (
        User.objects.filter(
            teams__in=teams_visible_to(user),
            role__in=User.STAFF_ROLES,
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def has_role(user, *roles):
    """The one role check: an active, signed-in user whose role is one of ``roles``."""
    return user.is_authenticated and user.is_active and user.role in roles


def is_staff_member(user):
    """Coordinators, supervisors and administrators: the people who work cases."""
    return has_role(user, *User.STAFF_ROLES)


def is_family_member(user):
    return has_role(user, User.Role.FAMILY)


def is_supervising(user):
    """Supervisors and administrators: who reach the supervision pages."""
    return has_role(user, *User.SUPERVISING_ROLES)
