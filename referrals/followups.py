"""The follow-up rules of the closed loop: what the system itself does when nothing happens.

Run hourly by Celery beat (``referrals.tasks.run_follow_up_rules``) or from cron
(``python manage.py run_follow_up_rules``). Each sent referral has two
deadlines, counted in business days (``referrals.deadlines``): the organization
acknowledges it (accepts or declines) by ``acknowledge_due`` and reports its
outcome by ``outcome_due``. For each deadline not met the rules

1. email the organization one reminder on the business day before it is due
   (``*_reminded_at``);
2. once it has passed, give the case's coordinator a task and an inbox item
   (a task with a rule key, so never a second one);
3. once it has passed by the program's escalation margin, put an urgent item in
   the inbox of the supervisors of the case's team (``*_escalated_at``).

A missed appointment also gives the coordinator a task. Every step fires once
whatever the schedule: tasks carry a unique rule key, and reminders and
escalations are stamped by a conditional UPDATE in the transaction that sends
them, so an overlapping run finds the stamp and does nothing. A reminder whose
email fails is rolled back, stamp included, and tried again on the next run.
See docs/referral-deadlines.md.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Program, Task
from cases.reminders import overdue_tasks_notify
from cases.services import task_create_once
from notifications.models import Notification
from notifications.services import notify

from .deadlines import add_business_days, escalation_cutoff, next_business_day
from .delivery import DeliveryFailed, deliver, organization_link_url, reminder_email
from .models import Appointment, Referral
from .services import referral_link_token
from .transitions import LINK_OPEN

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = Task._meta.get_field("title").max_length
# A recipient or provider name is cut to this in a title, so the rest of the title survives.
NAME_MAX_LENGTH = 120
# Sent and not over, and not put on hold by the coordinator: the referrals whose deadlines run.
WATCHED = tuple(status for status in LINK_OPEN if status != Referral.Status.ON_HOLD)


@dataclass(frozen=True)
class Deadline:
    """One of a referral's two deadlines: its fields and what "not met yet" means for it."""

    name: str
    due: str
    reminded: str
    escalated: str
    pending: Q

    def key(self, referral):
        return f"referral-{self.name}-overdue:{referral.uuid}"


DEADLINES = (
    # Acknowledged: accepted or declined (acknowledged_at, or accepted_at for a
    # referral accepted before acknowledgements were stamped).
    Deadline(
        name="acknowledge",
        due="acknowledge_due",
        reminded="acknowledge_reminded_at",
        escalated="acknowledge_escalated_at",
        pending=Q(status__in=WATCHED, acknowledged_at__isnull=True, accepted_at__isnull=True),
    ),
    # An outcome: completed, or any other terminal status.
    Deadline(
        name="outcome",
        due="outcome_due",
        reminded="outcome_reminded_at",
        escalated="outcome_escalated_at",
        pending=Q(status__in=WATCHED),
    ),
)


def _watched(deadline):
    """Referrals on open cases whose ``deadline`` is set and not met yet."""
    return (
        Referral.objects.filter(deadline.pending, **{f"{deadline.due}__isnull": False})
        .exclude(case__status=Case.Status.CLOSED)
        .select_related(
            "case__coordinator", "case__team", "case__family", "service__organization", "need__category"
        )
        .order_by(deadline.due, "pk")
    )


def _coordinator(referral):
    coordinator = referral.case.coordinator
    return coordinator.get_full_name() or coordinator.username


def _create_once(*, rule_key, case, title, details, due_on, url):
    """One rule's task for the case's coordinator, and its inbox item; True when it was created now.

    A coordinator who can no longer take tasks for the case (deactivated, moved
    team) is logged and skipped, so one stale case does not stop the rules for
    every other family; the task is created on the first run after reassignment.
    ``task_create`` runs in its own savepoint, so a refused task leaves this
    run's transaction usable.
    """
    title = Truncator(title).chars(TITLE_MAX_LENGTH)
    try:
        _task, created = task_create_once(
            rule_key=rule_key,
            case=case,
            actor=None,
            title=title,
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
    if created:
        notify(
            recipients=[case.coordinator],
            kind=Notification.Kind.FOLLOW_UP_RULE,
            url=url,
            params={"title": title, "family": case.family.name},
            key=f"follow-up:{rule_key}",
        )
    return created


def _overdue_task_text(deadline, referral):
    values = {
        "recipient": Truncator(referral.recipient).chars(NAME_MAX_LENGTH),
        "organization": Truncator(referral.organization_name).chars(NAME_MAX_LENGTH),
        "category": referral.need.category,
        "sent": timezone.localdate(referral.requested_at).isoformat() if referral.requested_at else "—",
        "due": getattr(referral, deadline.due).isoformat(),
    }
    if deadline.name == "acknowledge":
        title = _("Referral not acknowledged: %(recipient)s") % values
        details = (
            _(
                "The referral for %(category)s was sent on %(sent)s; %(organization)s was to accept or "
                "decline it by %(due)s and has not. Call the organization, or send the referral elsewhere."
            )
            % values
        )
    else:
        title = _("No outcome for referral: %(recipient)s") % values
        details = (
            _(
                "The referral for %(category)s was sent on %(sent)s; %(organization)s was to report its "
                "outcome by %(due)s and has not. Ask the organization and the family what happened, "
                "and record it."
            )
            % values
        )
    return title, details


def _deadline_tasks(today, result):
    """A task for the coordinator of each referral past a deadline it has not met."""
    overdue = [
        (deadline, referral)
        for deadline in DEADLINES
        for referral in _watched(deadline).filter(**{f"{deadline.due}__lt": today})
    ]
    appointments = list(_missed_appointments())
    # One query for the keys already used, so a run with nothing new does not ask
    # once per record; task_create_once and the unique rule key still guard a race.
    keys = [deadline.key(referral) for deadline, referral in overdue]
    keys += [f"appointment-missed:{appointment.uuid}" for appointment in appointments]
    done = set(Task.objects.filter(rule_key__in=keys).values_list("rule_key", flat=True))
    # A task found on a weekend or a holiday is due the next business day.
    due_on = add_business_days(today, 0)
    for deadline, referral in overdue:
        rule_key = deadline.key(referral)
        if rule_key in done:
            continue
        title, details = _overdue_task_text(deadline, referral)
        result[f"{deadline.name}_overdue"] += _create_once(
            rule_key=rule_key,
            case=referral.case,
            title=title,
            details=details,
            due_on=due_on,
            url=reverse("referrals:referral-detail", args=[referral.uuid]),
        )
    for appointment in appointments:
        rule_key = f"appointment-missed:{appointment.uuid}"
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
            url=reverse("cases:case-detail", args=[appointment.case.uuid]),
        )


def _missed_appointments():
    """Missed appointments on open cases (an appointment on no case has no coordinator to ask)."""
    return (
        Appointment.objects.filter(status=Appointment.Status.MISSED, case__isnull=False)
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case__coordinator", "case__team", "case__family", "child")
        .order_by("start", "pk")
    )


def _supervisors_by_team(team_ids):
    """{team id: [active supervisors who are members of the team]}, in one query."""
    memberships = (
        User.teams.through.objects.filter(
            team_id__in=team_ids, user__role=User.Role.SUPERVISOR, user__is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    supervisors = {}
    for membership in memberships:
        supervisors.setdefault(membership.team_id, []).append(membership.user)
    return supervisors


def _escalations(today, now, result):
    """An urgent inbox item for the team's supervisors, once, for each deadline past its program's margin."""
    cutoffs = {
        program_id: escalation_cutoff(today, margin)
        for program_id, margin in Program.objects.values_list("pk", "escalation_margin_business_days")
    }
    late = []
    for deadline in DEADLINES:
        condition = Q()
        for program_id, cutoff in cutoffs.items():
            condition |= Q(case__program_id=program_id, **{f"{deadline.due}__lte": cutoff})
        if condition:
            referrals = _watched(deadline).filter(condition, **{f"{deadline.escalated}__isnull": True})
            late += [(deadline, referral) for referral in referrals]
    if not late:
        return
    supervisors = _supervisors_by_team({referral.case.team_id for _deadline, referral in late})
    for deadline, referral in late:
        # The stamp is the lock: an overlapping run, or a deadline met a moment
        # ago, updates no row and sends nothing.
        stamped = (
            Referral.objects.filter(pk=referral.pk, **{f"{deadline.escalated}__isnull": True})
            .filter(deadline.pending)
            .update(**{deadline.escalated: now})
        )
        if not stamped:
            continue
        recipients = supervisors.get(referral.case.team_id, [])
        if not recipients:
            logger.warning("Referral %s escalated, but its team has no active supervisor.", referral.uuid)
        notify(
            recipients=recipients,
            kind=Notification.Kind.ESCALATION,
            url=reverse("referrals:referral-detail", args=[referral.uuid]),
            params={
                "organization": referral.organization_name,
                "family": referral.case.family.name,
                "deadline": deadline.name,
                "due_on": getattr(referral, deadline.due),
                "coordinator": _coordinator(referral),
            },
            urgent=True,
            key=f"escalation:{deadline.name}:{referral.uuid}",
        )
        result["escalations"] += 1


def _due_reminders(today):
    """(deadline, referral) for each deadline due on the next business day (or today) with no reminder yet.

    Due dates are business days, so "the business day before the due date is
    today or past" is "due no later than the next business day". A referral sent
    today gets no reminder today, and a deadline already past gets none at all:
    its task and escalation take over.
    """
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    reminders = []
    for deadline in DEADLINES:
        referrals = _watched(deadline).filter(
            **{
                f"{deadline.due}__gte": today,
                f"{deadline.due}__lte": next_business_day(today),
                f"{deadline.reminded}__isnull": True,
            },
            requested_at__lt=start_of_today,
        )
        reminders += [(deadline, referral) for referral in referrals.exclude(sent_to="")]
    return reminders


def _send_reminder(deadline, referral):
    link = organization_link_url(referral_link_token(referral))
    deliver(reminder_email(referral, deadline=deadline.name, due=getattr(referral, deadline.due), link=link))


def _reminders(today, now, result):
    """One reminder email to the organization per deadline, stamped in the transaction that sends it."""
    for deadline, referral in _due_reminders(today):
        try:
            with transaction.atomic():
                stamped = (
                    Referral.objects.filter(pk=referral.pk, **{f"{deadline.reminded}__isnull": True})
                    .filter(deadline.pending)
                    .update(**{deadline.reminded: now})
                )
                if not stamped:
                    continue
                _send_reminder(deadline, referral)
        except DeliveryFailed:
            # The mail server refused or was down: the stamp rolled back with the
            # savepoint, so the next run tries again.
            logger.exception("Could not email the %s reminder of referral %s", deadline.name, referral.uuid)
            continue
        result["reminders_sent"] += 1


def follow_up_rules_run(*, now=None):
    """Remind organizations of deadlines due next, give coordinators a task for each deadline missed
    and each missed appointment, and escalate deadlines missed past the program's margin to the team's
    supervisors — each once, however often the rules run.

    The tasks, the escalations and each reminder commit in their own
    transactions: each is stamped where it is made, so a failure part-way
    leaves the next run to do only what is left. Returns the counts made now:
    ``{"reminders_sent", "acknowledge_overdue", "outcome_overdue", "escalations", "appointments_missed",
    "overdue_task_items"}`` (the last: inbox items for overdue tasks, ``cases.reminders``).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = dict.fromkeys(
        (
            "reminders_sent",
            "acknowledge_overdue",
            "outcome_overdue",
            "escalations",
            "appointments_missed",
            "overdue_task_items",
        ),
        0,
    )
    with transaction.atomic():
        _deadline_tasks(today, result)
    with transaction.atomic():
        _escalations(today, now, result)
    _reminders(today, now, result)
    # Tasks past their due date reach their assignee's inbox once (the case side's own rule).
    with transaction.atomic():
        result["overdue_task_items"] = len(overdue_tasks_notify(now=now))
    return result
