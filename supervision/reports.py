"""Outcome reports for a date range, per team and per program, computed in the database.

Every figure is an aggregate, a correlated subquery or a median the database
computes; Python only formats the numbers and lays the months of the trend
chart on their axis. Each report is a :class:`Report` — a title, columns, rows
of display strings, maybe a total row and a chart — so the page's table and
the CSV download are the same rows, written twice.

Date ranges are the center's local calendar days, ``start`` and ``end``
included.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from cases.models import Activity, Case, EDVisit, Goal, Need, Program, ServiceCategory
from referrals.models import Referral
from referrals.transitions import TERMINAL

from .expressions import DaysBetween, median, share
from .overview import count_per
from .permissions import cases_supervised_by

# The follow-up target of a visit on no case, as EDVisit.follow_up_due_on has it.
DEFAULT_FOLLOW_UP_DAYS = 7
RETURN_WINDOWS = (30, 90)
GROUPS = {"team": gettext_lazy("Team"), "program": gettext_lazy("Program")}


@dataclass(frozen=True)
class ReportParameters:
    """What a report covers: the user's led teams (or one of them), a program or all, a date range."""

    user: object
    start: datetime.date
    end: datetime.date
    teams: models.QuerySet
    team: object = None
    program: Program | None = None
    group: str = "team"

    @property
    def start_at(self):
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_at(self):
        """Midnight after the last day: ranges are half-open, so the whole last day counts."""
        next_day = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))

    @functools.cached_property
    def team_rows(self):
        """(name, id) of each team in scope, in name order: read once per request."""
        return list(self.teams.order_by("name", "pk").values_list("name", "pk"))

    def in_range(self, name):
        return Q(**{f"{name}__gte": self.start_at, f"{name}__lt": self.end_at})

    def cases(self):
        cases = cases_supervised_by(self.user).filter(team__in=self.teams)
        return cases.filter(program=self.program) if self.program else cases

    def groups(self):
        """The rows of a grouped report: the teams in scope, or the programs."""
        if self.group == "program":
            programs = Program.objects.filter(pk=self.program.pk) if self.program else Program.objects.all()
            return programs.order_by("name", "pk")
        return self.teams.order_by("name", "pk")

    def as_record(self):
        """The parameters as the download record and the URLs carry them."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "team": str(self.team.uuid) if self.team else "",
            "program": str(self.program.uuid) if self.program else "",
            "group": self.group,
        }


@dataclass
class Report:
    name: str
    title: str
    columns: list
    rows: list
    description: str = ""
    total: list | None = None
    chart: dict | None = field(default=None)

    def table(self):
        """Header, rows and total: exactly what the page shows and the CSV holds."""
        return [self.columns, *self.rows, *([self.total] if self.total else [])]

    def labelled_rows(self):
        """Each row's cells with their column's name, for the page's stacked phone layout."""
        return [list(zip(self.columns, row, strict=True)) for row in self.rows]

    def labelled_total(self):
        return list(zip(self.columns, self.total, strict=True)) if self.total else []


# Display: the same strings on the page and in the CSV.

NONE = "—"


def show_count(value):
    return formats.number_format(value or 0, force_grouping=True)


def show_days(value):
    return NONE if value is None else formats.number_format(value, decimal_pos=1)


def show_share(value):
    return NONE if value is None else f"{value * 100:.0f}%"


def _order_by_choices(name, choices):
    """Rows in the order their choices are declared (lifecycle order, not alphabetical)."""
    whens = [models.When(**{name: value}, then=Value(position)) for position, value in enumerate(choices)]
    return models.Case(*whens, default=Value(len(choices)), output_field=models.IntegerField())


def _total(rows, names):
    """The total row of a grouped report: its groups' counts added up, so the base set is read once."""
    return {name: sum(row[name] for row in rows) for name in names}


def _group_key(parameters, prefix=""):
    return f"{prefix}{parameters.group}"


def _group_column(parameters):
    return str(GROUPS[parameters.group])


# The reports


def cases_report(p):
    """Cases opened and closed in the range, and the median days a closed case was open.

    A closed case counts at its last closure: a case reopened and still open is
    not closed; one reopened and closed again counts once, open from its first
    opening to its last closure.
    """
    key = _group_key(p)
    cases = p.cases()
    closed = cases.filter(p.in_range("closed_at"), status=Case.Status.CLOSED)
    rows = (
        p.groups()
        .annotate(
            opened=count_per(cases.filter(p.in_range("opened_at")), key),
            closed=count_per(closed, key),
            median_days=median(closed, DaysBetween(F("closed_at"), F("opened_at")), key=key),
        )
        .values_list("name", "opened", "closed", "median_days")
    )
    return Report(
        name="cases",
        title=_("Cases opened and closed"),
        description=_("Median days open: from opening to closure, for the cases closed in the range."),
        columns=[_group_column(p), _("Opened"), _("Closed"), _("Median days open")],
        rows=[[name, show_count(o), show_count(c), show_days(m)] for name, o, c, m in rows],
    )


def monthly_report(p):
    """Cases opened and closed, referrals sent and completed, month by month."""
    tz = timezone.get_current_timezone()
    cases = p.cases()
    referrals = Referral.objects.filter(case__in=cases)
    series = [
        (_("Cases opened"), cases, "opened_at"),
        (_("Cases closed"), cases.filter(status=Case.Status.CLOSED), "closed_at"),
        (_("Referrals sent"), referrals, "requested_at"),
        (_("Referrals completed"), referrals.filter(status=Referral.Status.COMPLETED), "completed_at"),
    ]
    months = _months(p.start, p.end)
    counted = []
    for _label, queryset, name in series:
        per_month = (
            queryset.filter(p.in_range(name))
            .annotate(month=TruncMonth(name, tzinfo=tz))
            .order_by()
            .values("month")
            .annotate(total=Count("pk"))
            .values_list("month", "total")
        )
        by_month = {_month_key(month): total for month, total in per_month}
        counted.append([by_month.get(month, 0) for month in months])
    labels = [formats.date_format(month, "YEAR_MONTH_FORMAT") for month in months]
    return Report(
        name="monthly",
        title=_("Monthly trends"),
        columns=[_("Month"), *[str(label) for label, _q, _n in series]],
        rows=[[label, *[show_count(values[i]) for values in counted]] for i, label in enumerate(labels)],
        chart={
            "type": "line",
            "labels": labels,
            "datasets": [
                {"label": str(label), "data": values}
                for (label, _q, _n), values in zip(series, counted, strict=True)
            ],
        },
    )


def _months(start, end):
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _month_key(value):
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def needs_report(p):
    """Needs identified in the range, by category, and the share of them met."""
    needs = Need.objects.filter(case__in=p.cases()).filter(p.in_range("created_at"))
    met = Count("pk", filter=Q(status=Need.Status.MET))
    figures = {
        "total": Count("pk"),
        "met": met,
        "not_met": Count("pk", filter=Q(status__in=[Need.Status.UNMET, Need.Status.DECLINED])),
        "still_open": Count("pk", filter=Q(status__in=[Need.Status.OPEN, Need.Status.IN_PROGRESS])),
        "share_met": share(met, Count("pk")),
    }
    rows = list(
        needs.values("category__code", "category__position")
        .annotate(**figures)
        .order_by("category__position", "category__code")
    )
    # The total is the categories added up: the needs are read once.
    total = _total(rows, ["total", "met", "not_met", "still_open"])
    total["share_met"] = total["met"] / total["total"] if total["total"] else None

    def cells(values):
        return [
            show_count(values["total"]),
            show_count(values["met"]),
            show_count(values["not_met"]),
            show_count(values["still_open"]),
            show_share(values["share_met"]),
        ]

    return Report(
        name="needs",
        title=_("Needs by category"),
        description=_("Needs identified in the range; share met is of all of them, still open included."),
        columns=[
            _("Category"),
            _("Needs"),
            _("Met"),
            _("Unmet or declined"),
            _("Still open"),
            _("Share met"),
        ],
        rows=[[str(ServiceCategory.Code(row["category__code"]).label), *cells(row)] for row in rows],
        total=[_("Total"), *cells(total)],
    )


def referral_status_report(p):
    """Referrals sent in the range, by their status today."""
    referrals = Referral.objects.filter(case__in=p.cases()).filter(p.in_range("requested_at"))
    rows = list(
        referrals.order_by()
        .values("status")
        .annotate(total=Count("pk"))
        .order_by(_order_by_choices("status", Referral.Status.values))
        .values_list("status", "total")
    )
    labels = [str(Referral.Status(status).label) for status, _total in rows]
    return Report(
        name="referral-status",
        title=_("Referrals by status"),
        description=_("Referrals sent in the range, by their status today."),
        columns=[_("Status"), _("Referrals")],
        rows=[[label, show_count(total)] for label, (_status, total) in zip(labels, rows, strict=True)],
        total=[_("Total"), show_count(sum(total for _status, total in rows))],
        chart={
            "type": "bar",
            "labels": labels,
            "datasets": [{"label": _("Referrals"), "data": [total for _status, total in rows]}],
        },
    )


def connection_report(p):
    """Time to connect and the closed loop, for referrals sent in the range.

    Closed-loop rate: the share of those referrals that reached a terminal
    status (completed, rejected, cancelled, failed). Medians are over the
    referrals that were accepted, or completed; one never answered counts as
    sent and open, in no median.
    """
    key = _group_key(p, "case__")
    referrals = Referral.objects.filter(case__in=p.cases()).filter(p.in_range("requested_at"))
    accepted = referrals.filter(accepted_at__isnull=False)
    completed = referrals.filter(status=Referral.Status.COMPLETED)
    rows = (
        p.groups()
        .annotate(
            sent=count_per(referrals, key),
            outcome=count_per(referrals.filter(status__in=TERMINAL), key),
            to_accept=median(accepted, DaysBetween(F("accepted_at"), F("requested_at")), key=key),
            to_complete=median(completed, DaysBetween(F("completed_at"), F("requested_at")), key=key),
        )
        .annotate(rate=share(F("outcome"), F("sent")))
        .values_list("name", "sent", "outcome", "rate", "to_accept", "to_complete")
    )
    return Report(
        name="connection",
        title=_("Time to connect and closed loop"),
        description=_(
            "Referrals sent in the range. Closed-loop rate: the share that reached an outcome "
            "(completed, rejected, cancelled or failed)."
        ),
        columns=[
            _group_column(p),
            _("Referrals sent"),
            _("Reached an outcome"),
            _("Closed-loop rate"),
            _("Median days to accept"),
            _("Median days to complete"),
        ],
        rows=[
            [
                name,
                show_count(sent),
                show_count(outcome),
                show_share(rate),
                show_days(accept),
                show_days(done),
            ]
            for name, sent, outcome, rate, accept, done in rows
        ],
    )


def deadlines_report(p):
    """Deadlines met, per team or program, for referrals sent in the range with deadlines.

    Acknowledged in time: accepted or declined on or before the acknowledgement
    due date (local days); completed in time: completed on or before the outcome
    due date. Each share is of the referrals whose deadline has come or that
    met it already; one still inside its deadline counts in no share.
    Escalations: deadlines escalated to the supervisors, both kinds counted.
    """
    key = _group_key(p, "case__")
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    referrals = (
        Referral.objects.filter(case__in=p.cases())
        .filter(p.in_range("requested_at"))
        .alias(
            answered_on=TruncDate(Coalesce("acknowledged_at", "accepted_at"), tzinfo=tz),
            completed_on=TruncDate("completed_at", tzinfo=tz),
        )
    )
    acknowledge = referrals.filter(acknowledge_due__isnull=False)
    outcome = referrals.filter(outcome_due__isnull=False)
    rows = (
        p.groups()
        .annotate(
            with_deadlines=count_per(acknowledge, key),
            acknowledge_come=count_per(
                acknowledge.filter(Q(acknowledge_due__lt=today) | Q(answered_on__isnull=False)), key
            ),
            acknowledged=count_per(acknowledge.filter(answered_on__lte=F("acknowledge_due")), key),
            outcome_come=count_per(outcome.filter(Q(outcome_due__lt=today) | Q(status__in=TERMINAL)), key),
            completed=count_per(
                outcome.filter(status=Referral.Status.COMPLETED, completed_on__lte=F("outcome_due")), key
            ),
            acknowledge_escalations=count_per(referrals.filter(acknowledge_escalated_at__isnull=False), key),
            outcome_escalations=count_per(referrals.filter(outcome_escalated_at__isnull=False), key),
        )
        .annotate(
            acknowledged_share=share(F("acknowledged"), F("acknowledge_come")),
            completed_share=share(F("completed"), F("outcome_come")),
            escalations=F("acknowledge_escalations") + F("outcome_escalations"),
        )
        .values_list(
            "name",
            "with_deadlines",
            "acknowledged",
            "acknowledged_share",
            "completed",
            "completed_share",
            "escalations",
        )
    )
    return Report(
        name="deadlines",
        title=_("Referral deadlines"),
        description=_(
            "Referrals sent in the range with response deadlines. Acknowledged in time: accepted or "
            "declined by the acknowledgement date; completed in time: completed by the outcome date. "
            "Each share is of the referrals whose deadline has come or was met; escalations count both "
            "deadlines."
        ),
        columns=[
            _group_column(p),
            _("Referrals with deadlines"),
            _("Acknowledged in time"),
            _("% acknowledged in time"),
            _("Completed in time"),
            _("% completed in time"),
            _("Escalations"),
        ],
        rows=[
            [
                name,
                show_count(sent),
                show_count(acknowledged),
                show_share(acknowledged_share),
                show_count(completed),
                show_share(completed_share),
                show_count(escalations),
            ]
            for name, sent, acknowledged, acknowledged_share, completed, completed_share, escalations in rows
        ],
    )


def reasons_report(p):
    """Referrals sent in the range that were declined or failed, by reason code."""
    referrals = (
        Referral.objects.filter(case__in=p.cases())
        .filter(p.in_range("requested_at"))
        .filter(status__in=[Referral.Status.REJECTED, Referral.Status.FAILED])
    )
    figures = {
        "declined": Count("pk", filter=Q(status=Referral.Status.REJECTED)),
        "failed": Count("pk", filter=Q(status=Referral.Status.FAILED)),
        "total": Count("pk"),
    }
    rows = list(
        referrals.order_by()
        .values("reason_code")
        .annotate(**figures)
        .order_by(_order_by_choices("reason_code", Referral.ReasonCode.values))
        .values_list("reason_code", "declined", "failed", "total")
    )
    total = dict(zip(figures, [sum(row[i] for row in rows) for i in (1, 2, 3)], strict=True))

    def label(code):
        return (
            str(Referral.ReasonCode(code).label)
            if code in Referral.ReasonCode.values
            else _("No reason given")
        )

    return Report(
        name="reasons",
        title=_("Declined and failed referrals by reason"),
        description=_(
            "Referrals sent in the range that the organization declined, or that failed, by reason."
        ),
        columns=[_("Reason"), pgettext("referrals", "Declined"), pgettext("referrals", "Failed"), _("Total")],
        rows=[[label(code), show_count(d), show_count(f), show_count(t)] for code, d, f, t in rows],
        total=[
            _("Total"),
            show_count(total["declined"]),
            show_count(total["failed"]),
            show_count(total["total"]),
        ],
    )


def minutes_report(p):
    """Minutes logged in the range, by kind of activity."""
    activities = Activity.objects.filter(case__in=p.cases()).filter(p.in_range("occurred_at"))
    figures = {"activities": Count("pk"), "minutes": Coalesce(Sum("minutes"), 0)}
    rows = list(
        activities.order_by()
        .values("kind")
        .annotate(**figures)
        .order_by(_order_by_choices("kind", Activity.Kind.values))
        .values_list("kind", "activities", "minutes")
    )
    total = {"activities": sum(row[1] for row in rows), "minutes": sum(row[2] for row in rows)}
    return Report(
        name="minutes",
        title=_("Minutes logged by activity kind"),
        columns=[_("Activity"), _("Activities"), _("Minutes")],
        rows=[[str(Activity.Kind(kind).label), show_count(n), show_count(m)] for kind, n, m in rows],
        total=[_("Total"), show_count(total["activities"]), show_count(total["minutes"])],
    )


def ed_index_visits(p):
    """Each child's first mental-health ED visit in the range, with its follow-up facts.

    One row per child, however many visits: a later visit counts as a return.
    ``contacted``: an activity of a contact kind on a case of the child's family
    after discharge (arrival, when no discharge is recorded), no later than the
    program's follow-up target in calendar days — the ED case's program, or 7
    days for a visit on no case, as the follow-up task has it. ``shared_goal``:
    a goal shared with the family, for this child or the whole family.
    ``returned_30``/``returned_90``: any later ED visit of the child within 30
    or 90 calendar days of discharge.
    """
    tz = timezone.get_current_timezone()
    visits = EDVisit.objects.filter(
        reason=EDVisit.Reason.MENTAL_HEALTH_CRISIS, child__family__team__in=p.teams
    ).filter(p.in_range("arrived_at"))
    # An earlier visit of the same child: the child's household, so its team, is the outer row's already.
    earlier = (
        EDVisit.objects.filter(reason=EDVisit.Reason.MENTAL_HEALTH_CRISIS, child=OuterRef("child")).filter(
            p.in_range("arrived_at")
        )
    ).filter(
        Q(arrived_at__lt=OuterRef("arrived_at")) | Q(arrived_at=OuterRef("arrived_at"), pk__lt=OuterRef("pk"))
    )

    def days_after_discharge(name):
        return DaysBetween(TruncDate(name, tzinfo=tz), OuterRef("discharge_day"))

    contact = (
        Activity.objects.filter(
            case__family=OuterRef("child__family"),
            kind__in=Activity.CONTACT_KINDS,
            occurred_at__gte=OuterRef("discharge"),
        )
        .alias(days=days_after_discharge("occurred_at"))
        .filter(days__lte=OuterRef("target_days"))
    )
    goal = Goal.objects.filter(case__family=OuterRef("child__family"), shared_with_family=True).filter(
        Q(child=OuterRef("child")) | Q(child__isnull=True)
    )

    def returned(window):
        return (
            EDVisit.objects.filter(child=OuterRef("child"), arrived_at__gt=OuterRef("discharge"))
            .alias(days=days_after_discharge("arrived_at"))
            .filter(days__lte=window)
        )

    return (
        visits.exclude(Exists(earlier))
        .alias(
            discharge=Coalesce("discharged_at", "arrived_at"),
            discharge_day=TruncDate(Coalesce("discharged_at", "arrived_at"), tzinfo=tz),
            target_days=Coalesce("case__program__follow_up_target_days", DEFAULT_FOLLOW_UP_DAYS),
        )
        .alias(
            contacted=Exists(contact),
            shared_goal=Exists(goal),
            **{f"returned_{window}": Exists(returned(window)) for window in RETURN_WINDOWS},
        )
    )


def ed_report(p):
    """The ED mental-health follow-up measures, per team."""
    if p.program and p.program.kind != Program.Kind.ED_FOLLOW_UP:
        return None
    key = "child__family__team"
    index = ed_index_visits(p)
    measures = ["contacted", "shared_goal", *[f"returned_{window}" for window in RETURN_WINDOWS]]
    # The first visits are found once, and every measure is a conditional count over them per team
    # (one grouped query), not a count per measure that finds them again.
    figures = {"children": Count("pk"), **{m: Count("pk", filter=Q(**{m: True})) for m in measures}}
    counted = {row.pop("team"): row for row in index.values(team=F(key)).annotate(**figures).order_by()}
    empty = dict.fromkeys(figures, 0)
    rows = []
    for name, team in p.team_rows:
        found = counted.get(team, empty)
        children = found["children"]
        shares = [(found[m], found[m] / children if children else None) for m in measures]
        rows.append([name, children, *[value for pair in shares for value in pair]])
    columns = [
        _("Team"),
        _("Children"),
        _("Contacted in time"),
        _("% contacted"),
        _("Shared goal"),
        _("% with a shared goal"),
        _("Returned in 30 days"),
        _("% returned in 30 days"),
        _("Returned in 90 days"),
        _("% returned in 90 days"),
    ]

    def cells(row):
        name, children, *figures = row
        shown = [show_count(value) if i % 2 == 0 else show_share(value) for i, value in enumerate(figures)]
        return [name, show_count(children), *shown]

    return Report(
        name="ed-follow-up",
        title=_("ED mental-health follow-up"),
        description=_(
            "Children: each child with a mental-health ED visit in the range, counted once, from the "
            "first visit. Contacted in time: a call, visit, message or meeting with the family after "
            "discharge, within the program's follow-up target. Shared goal: a goal shared with the "
            "family, for the child or the whole family. Returned: any later ED visit within 30 or 90 "
            "days of discharge, up to today."
        ),
        columns=columns,
        rows=[cells(row) for row in rows],
    )


REPORTS = {
    "cases": cases_report,
    "monthly": monthly_report,
    "needs": needs_report,
    "referral-status": referral_status_report,
    "connection": connection_report,
    "deadlines": deadlines_report,
    "reasons": reasons_report,
    "minutes": minutes_report,
    "ed-follow-up": ed_report,
}


def build_reports(parameters, *, precomputed=True):
    """Every report for ``parameters``, in page order; a report that does not apply is left out.

    With ``precomputed``, the figures the workers made ahead for exactly these
    parameters are used when there are some (``supervision.precompute``).
    """
    if precomputed:
        from .precompute import cached_reports

        found = cached_reports(parameters)
        if found is not None:
            return found[0]
    built = (build(parameters) for build in REPORTS.values())
    return [report for report in built if report is not None]


def build_report(name, parameters):
    """One report (its CSV), from the figures made ahead when there are some; None if it does not apply."""
    from .precompute import cached_reports

    found = cached_reports(parameters)
    if found is not None:
        return next((report for report in found[0] if report.name == name), None)
    return REPORTS[name](parameters)
