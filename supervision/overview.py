"""The team overview: what each coordinator carries and what waits, counted in the database.

Each measure is defined once here, as a filter; the overview counts it per
coordinator and the list behind each number applies the very same filter, so a
number and its list never disagree.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Activity, Case, Task
from referrals.models import Referral
from referrals.transitions import AWAITING_ACKNOWLEDGEMENT

from .permissions import cases_supervised_by, people_supervised_by

# A family not contacted for this many days is flagged.
CONTACT_DAYS = 30
# A case not reviewed by a supervisor for this many days is due for review.
REVIEW_DAYS = 90


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    # Which list shows the rows behind the number: "cases", "tasks", "referrals" or "closures".
    list_kind: str


MEASURES = [
    Measure("open", _("Open cases"), "cases"),
    Measure("urgent", _("Urgent"), "cases"),
    Measure("no_contact", _("No contact in 30 days"), "cases"),
    Measure("overdue_tasks", _("Overdue tasks"), "tasks"),
    Measure("waiting_referrals", _("Referrals waiting for an answer"), "referrals"),
    Measure("closures", _("Closures awaiting approval"), "closures"),
    Measure("not_reviewed", _("Not reviewed in 90 days"), "cases"),
]
MEASURES_BY_KEY = {measure.key: measure for measure in MEASURES}
CASE_MEASURES = [measure.key for measure in MEASURES if measure.list_kind in ("cases", "closures")]


def case_condition(key, now):
    """The filter on Case behind a case measure of the overview."""
    is_open = ~Q(status=Case.Status.CLOSED)
    if key == "open":
        return is_open
    if key == "urgent":
        return is_open & Q(urgent=True)
    if key == "no_contact":
        # A case opened less than 30 days ago has not yet gone 30 days without contact.
        since = now - datetime.timedelta(days=CONTACT_DAYS)
        recent_contact = Activity.objects.filter(
            case=OuterRef("pk"), kind__in=Activity.CONTACT_KINDS, occurred_at__gte=since
        )
        return is_open & Q(opened_at__lte=since) & ~Exists(recent_contact)
    if key == "closures":
        return Q(status=Case.Status.CLOSURE_REQUESTED)
    if key == "not_reviewed":
        # Never reviewed: the first review is due 90 days after the case opened.
        since = now - datetime.timedelta(days=REVIEW_DAYS)
        return is_open & (Q(reviewed_at__lte=since) | Q(reviewed_at__isnull=True, opened_at__lte=since))
    raise KeyError(key)


def supervised_cases(user, key, now=None):
    """The cases behind a case measure, in the teams ``user`` leads."""
    return cases_supervised_by(user).filter(case_condition(key, now or timezone.now()))


def overdue_tasks(user, today=None):
    """Open tasks past their due date on the open cases of the led teams."""
    return Task.objects.filter(case__in=cases_supervised_by(user).open()).overdue(today)


def waiting_referrals(user, today=None):
    """Sent referrals past their acknowledgement date and still not accepted or declined, on open cases.

    Waiting means *requested* or *received* (``AWAITING_ACKNOWLEDGEMENT``), with
    no acknowledgement stamped, and an ``acknowledge_due`` before today (the
    organization has the whole due day). Each referral's due date was counted
    in its program's business days when it was sent, so one date comparison in
    the database covers every program.
    """
    today = today or timezone.localdate()
    return Referral.objects.filter(
        case__in=cases_supervised_by(user).open(),
        status__in=AWAITING_ACKNOWLEDGEMENT,
        acknowledged_at__isnull=True,
        accepted_at__isnull=True,
        acknowledge_due__lt=today,
    )


def count_per(queryset, key):
    """The number of ``queryset`` rows whose ``key`` is the outer row: a correlated COUNT, 0 when none."""
    counted = (
        queryset.filter(**{key: OuterRef("pk")})
        .order_by()
        .values(key)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted), 0)


def overview_counts(user, now=None):
    """Every measure per person, from one grouped query per base set: the cases, the tasks, the referrals.

    Each base set is read once and every case measure is a conditional count
    over it (``COUNT(*) FILTER (WHERE …)``), instead of one correlated count
    per measure and per person. Returns ``{person id: {measure: count}}``.
    """
    counts = {}
    for queryset in overview_queries(user, now):
        for row in queryset.order_by():
            counts.setdefault(row.pop("person"), dict.fromkeys(MEASURES_BY_KEY, 0)).update(row)
    return counts


def overview_queries(user, now=None):
    """The three grouped queries behind the overview: open cases, overdue tasks, waiting referrals."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return [
        cases_supervised_by(user)
        .open()
        .values(person=F("coordinator"))
        .annotate(**{key: Count("pk", filter=case_condition(key, now)) for key in CASE_MEASURES}),
        overdue_tasks(user, today).values(person=F("assignee")).annotate(overdue_tasks=Count("pk")),
        waiting_referrals(user, today)
        .values(person=F("case__coordinator"))
        .annotate(waiting_referrals=Count("pk")),
    ]


def overview_rows(user, now=None, counts=None):
    """One row per supervised coordinator with every measure as an attribute (four queries in all)."""
    counts = overview_counts(user, now) if counts is None else counts
    people = list(people_supervised_by(user))
    for person in people:
        for key, value in counts.get(person.pk, dict.fromkeys(MEASURES_BY_KEY, 0)).items():
            setattr(person, key, value)
    return people


def overview_totals(user, now=None, counts=None):
    """The same measures over the whole of the led teams: the sum over every person who holds any."""
    counts = overview_counts(user, now) if counts is None else counts
    return {key: sum(row[key] for row in counts.values()) for key in MEASURES_BY_KEY}
