"""The follow-up rules of the closed loop: what the system itself asks a coordinator to do.

Run hourly by Celery beat (``referrals.tasks.run_follow_up_rules``) or from cron
(``python manage.py run_follow_up_rules``). Every rule creates its task through
``task_create_once`` with a key naming the record it is about, so running the
rules again, or twice at once, never makes a second task.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cases.models import Case, Program, Task
from cases.services import task_create_once

from .models import Appointment, Referral

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = Task._meta.get_field("title").max_length
# A recipient or provider name is cut to this in a title, so the rest of the title survives.
NAME_MAX_LENGTH = 120


def _unanswered_referrals(now):
    """Referrals on open cases still ``requested`` longer than their program's answer limit.

    One condition per program (a handful of rows), OR-ed into one query, so the
    cut-off is compared in the database and referrals are never filtered in Python.
    """
    condition = Q()
    for program_id, days in Program.objects.values_list("pk", "referral_answer_days"):
        condition |= Q(case__program_id=program_id, requested_at__lte=now - datetime.timedelta(days=days))
    if not condition:
        return Referral.objects.none()
    return (
        Referral.objects.filter(condition, status=Referral.Status.REQUESTED, requested_at__isnull=False)
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case__coordinator", "case__team", "service__organization", "need__category")
        .order_by("requested_at", "pk")
    )


def _missed_appointments():
    """Missed appointments on open cases (an appointment on no case has no coordinator to ask)."""
    return (
        Appointment.objects.filter(status=Appointment.Status.MISSED, case__isnull=False)
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case__coordinator", "case__team", "child")
        .order_by("start", "pk")
    )


def _create_once(*, rule_key, case, title, details, due_on):
    """One rule's task for the case's coordinator; True when it was created now.

    A coordinator who can no longer take tasks for the case (deactivated, moved
    team) is logged and skipped, so one stale case does not stop the rules for
    every other family; the task is created on the first run after reassignment.
    ``task_create`` runs in its own savepoint, so a refused task leaves this
    run's transaction usable.
    """
    try:
        _task, created = task_create_once(
            rule_key=rule_key,
            case=case,
            actor=None,
            title=Truncator(title).chars(TITLE_MAX_LENGTH),
            assignee=case.coordinator,
            due_on=due_on,
            details=details,
        )
    except ValidationError as error:
        logger.warning("Follow-up rule %s skipped for case %s: %s", rule_key, case.uuid, error.messages)
        return False
    except IntegrityError:
        # A run overlapping this one made the same task a moment ago: the unique
        # rule key refused the second. Anything else is a real error.
        if Task.objects.filter(rule_key=rule_key).exists():
            return False
        raise
    return created


@transaction.atomic
def follow_up_rules_run(*, now=None):
    """Create one task, due today, for the coordinator of each referral unanswered past its program's limit
    and of each missed appointment on an open case — never a second one for the same referral or appointment.

    Returns the number of tasks created by each rule:
    ``{"referrals_unanswered": int, "appointments_missed": int}``.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    referrals = [(f"referral-unanswered:{r.uuid}", r) for r in _unanswered_referrals(now)]
    appointments = [(f"appointment-missed:{a.uuid}", a) for a in _missed_appointments()]
    # One query for the keys already used, so a run with nothing new does not ask
    # once per record; task_create_once and the unique rule key still guard a race.
    keys = [key for key, _record in referrals + appointments]
    done = set(Task.objects.filter(rule_key__in=keys).values_list("rule_key", flat=True))

    result = {"referrals_unanswered": 0, "appointments_missed": 0}
    for rule_key, referral in referrals:
        if rule_key in done:
            continue
        result["referrals_unanswered"] += _create_once(
            rule_key=rule_key,
            case=referral.case,
            title=_("No answer to referral: %(recipient)s")
            % {"recipient": Truncator(referral.recipient).chars(NAME_MAX_LENGTH)},
            details=_(
                "The referral for %(category)s was sent on %(sent)s and has had no answer for "
                "%(days)s days. Call the organization, or send the referral elsewhere."
            )
            % {
                "category": referral.need.category,
                "sent": timezone.localdate(referral.requested_at).isoformat(),
                "days": (now - referral.requested_at).days,
            },
            due_on=today,
        )
    for rule_key, appointment in appointments:
        if rule_key in done:
            continue
        result["appointments_missed"] += _create_once(
            rule_key=rule_key,
            case=appointment.case,
            title=_("Missed appointment: %(provider)s — contact the family to rebook")
            % {"provider": Truncator(appointment.provider).chars(NAME_MAX_LENGTH)},
            details=_("%(child)s missed the appointment of %(start)s.")
            % {
                "child": appointment.child.first_name,
                "start": timezone.localtime(appointment.start).strftime("%Y-%m-%d %H:%M"),
            },
            due_on=today,
        )
    return result
