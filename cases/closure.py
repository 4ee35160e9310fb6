"""What must be settled before a case can close, and what the supervisor sees when approving.

The single place where apps add closure checks: a check takes a case and
returns the list of things still open (human-readable strings). ``cases``
registers its own checks (needs, tasks, goals, appointments without an
outcome); ``referrals`` registers open referrals from its AppConfig.ready(),
so ``cases`` never imports ``referrals`` (appointments and referrals are read
here through their related names on the case).

Appointments: one whose time has passed and is still "scheduled" has no
outcome yet and blocks closure (record it attended, missed or cancelled). One
still to come does not block, since the family keeps it after the case
closes, but the coordinator must say so when requesting closure
(``upcoming_appointments`` lists them; the request service refuses without
that acknowledgement).
"""

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
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


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


@register_closure_check
def open_tasks(case):
    """Every task is done before closing: a follow-up left open would be forgotten."""
    tasks = case.tasks.open().select_related("assignee").order_by("due_on", "pk")
    return [
        _("Task not done: %(title)s (%(assignee)s, due %(due_on)s)")
        % {
            "title": task.title,
            "assignee": task.assignee,
            "due_on": formats.date_format(task.due_on, "SHORT_DATE_FORMAT"),
        }
        for task in tasks
    ]


@register_closure_check
def unsettled_goals(case):
    """Every goal of the plan of care is marked achieved or discontinued before closing."""
    from .models import Goal

    goals = case.goals.filter(status=Goal.Status.ACTIVE)
    return [
        _("Goal still being worked on: “%(goal)s” — mark it achieved or discontinued") % {"goal": goal}
        for goal in goals
    ]


def _scheduled_appointments(case):
    # Appointments belong to the referrals app; the case reaches them by their related name.
    return case.appointments.filter(status="scheduled").select_related("child").order_by("start", "pk")


@register_closure_check
def appointments_without_outcome(case):
    """An appointment whose time has passed and is still scheduled needs its outcome first."""
    past = _scheduled_appointments(case).filter(start__lt=timezone.now())
    return [
        _(
            "Appointment without an outcome: %(child)s with %(provider)s on %(when)s — "
            "attended, missed or cancelled?"
        )
        % {
            "child": appointment.child.first_name,
            "provider": appointment.provider,
            "when": _when(appointment.start),
        }
        for appointment in past
    ]


def upcoming_appointments(case):
    """Scheduled appointments still to come: the family keeps them, the coordinator acknowledges them."""
    return list(_scheduled_appointments(case).filter(start__gte=timezone.now()))


def closure_summary(case):
    """What a supervisor reads before approving: needs' outcomes, goals, referrals, missed appointments."""
    return {
        "needs": case.needs.select_related("category", "child").order_by("created_at", "pk"),
        "goals": case.goals.select_related("child").order_by("created_at", "pk"),
        "referrals": case.referrals.select_related(
            "need__category", "need__child", "service__organization"
        ).order_by("created_at", "pk"),
        "missed_appointments": case.appointments.filter(status="missed")
        .select_related("child")
        .order_by("start", "pk"),
        "upcoming_appointments": upcoming_appointments(case),
    }
