"""Demo history for the supervisors' pages: months of work, closures, reviews and ED visits.

The other demo modules open their cases today; a supervisor's overview and
reports need a past. Each family here is worked through the same services a
coordinator uses, then its timestamps are moved back to when the work would
have happened (services stamp "now"). Idempotent: a family that exists is
skipped.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone

from accounts.models import Team, User
from cases import services as case_services
from cases.demo import saved_version
from cases.models import Case, CaseEvent, EDVisit, Goal, Need, Program, ServiceCategory, Task
from referrals import services as referral_services
from referrals.deadlines import referral_deadlines
from referrals.models import Referral, ReferralEvent


@dataclass
class History:
    """One family's past: every ``days`` is how many days ago it happened."""

    name: str
    coordinator: str
    caregiver: tuple  # first name, relationship
    child: tuple  # first name, last name, age, conditions
    opened: int
    program: str = Program.Kind.GENERAL
    # category code, description, final status, days ago identified
    needs: list = field(default_factory=list)
    # need index, provider, final status, days sent, days accepted, days closed, reason
    referrals: list = field(default_factory=list)
    # kind, minutes, days ago, summary
    activities: list = field(default_factory=list)
    # arrival days ago, discharge days ago
    ed_visits: list = field(default_factory=list)
    goal_shared: bool | None = None
    closed: int | None = None
    reopened: int | None = None
    reviewed: int | None = None


HISTORIES = [
    History(
        name="Walker household",
        caregiver=("Daniel", "father"),
        coordinator="coordinator2",
        child=("Ella", "Walker", 7, "Cystic fibrosis"),
        opened=150,
        needs=[
            ("medical", "Pulmonology follow-up closer to home", "met", 149),
            ("transportation", "Rides to the pulmonology clinic", "met", 149),
        ],
        referrals=[
            (0, "Riverton Children's Pulmonology", "completed", 146, 143, 132, ""),
            (1, "County Medicaid Rides", "completed", 146, 145, 140, ""),
        ],
        activities=[
            ("call", 30, 148, "Intake call with the father."),
            ("visit", 60, 120, "Home visit: care plan and medication routine."),
            ("call", 20, 70, "Checked in: appointments kept, rides working."),
        ],
        goal_shared=True,
        closed=60,
        reviewed=100,
    ),
    History(
        name="Park household",
        caregiver=("Min-ji", "mother"),
        coordinator="coordinator",
        child=("Jiwoo", "Park", 9, "ADHD"),
        opened=120,
        needs=[("behavioral_health", "Counseling and a school behavior plan", "open", 118)],
        referrals=[(0, "Riverton Family Counseling Center", "requested", 20, None, None, "")],
        activities=[
            ("call", 25, 118, "Intake call with the mother."),
            ("message", 5, 45, "Texted the counseling center's number to the mother."),
        ],
        goal_shared=True,
    ),
    History(
        name="Silva household",
        caregiver=("Beatriz", "mother"),
        coordinator="coordinator2",
        child=("Gabriel", "Silva", 14, "Depression"),
        opened=80,
        program=Program.Kind.ED_FOLLOW_UP,
        ed_visits=[(80, 79), (58, 57)],
        needs=[("behavioral_health", "Outpatient therapist after the ED visit", "met", 78)],
        referrals=[(0, "Harbor Youth Therapy", "completed", 76, 72, 50, "")],
        activities=[
            ("call", 20, 77, "Follow-up call two days after discharge; safety plan reviewed."),
            ("meeting", 45, 56, "Care meeting with the school counselor after the second visit."),
            ("call", 15, 35, "Therapy going well; family agrees to close."),
        ],
        goal_shared=True,
        closed=30,
        reviewed=40,
    ),
    History(
        name="Brooks household",
        caregiver=("Tamika", "mother"),
        coordinator="coordinator",
        child=("Maya", "Brooks", 5, "Hearing loss"),
        opened=200,
        needs=[("housing", "Emergency housing assistance", "met", 198)],
        referrals=[(0, "Riverton Housing Authority", "completed", 195, 190, 160, "")],
        activities=[
            ("call", 30, 199, "Intake call."),
            ("call", 20, 24, "Family back in Riverton; lease fell through."),
            ("visit", 50, 12, "Home visit: housing search plan."),
        ],
        closed=150,
        reopened=25,
        reviewed=10,
    ),
    History(
        name="Ali household",
        caregiver=("Samira", "mother"),
        coordinator="coordinator",
        child=("Yusuf", "Ali", 12, "Anxiety"),
        opened=50,
        program=Program.Kind.ED_FOLLOW_UP,
        ed_visits=[(50, 50)],
        needs=[
            ("behavioral_health", "Anxiety treatment with an Arabic-speaking therapist", "in_progress", 49)
        ],
        referrals=[
            (0, "Eastport Counseling", "rejected", 45, None, 40, "Waiting list closed for new patients."),
            (0, "Harbor Youth Therapy", "accepted", 38, 30, None, ""),
        ],
        activities=[
            ("call", 15, 38, "First contact after discharge: the family had moved in with relatives."),
            ("call", 10, 8, "Therapy intake booked."),
        ],
        goal_shared=False,
        reviewed=15,
    ),
    History(
        name="Davis household",
        caregiver=("Karen", "grandparent"),
        coordinator="coordinator2",
        child=("Leo", "Davis", 3, "Failure to thrive"),
        opened=90,
        needs=[
            ("food", "WIC and a food pantry close to home", "met", 89),
            ("financial", "Help with utility arrears", "unmet", 89),
        ],
        referrals=[
            (0, "Riverton WIC Office", "completed", 85, 84, 80, ""),
            (1, "Utility Assistance Fund", "failed", 85, None, 55, "Fund closed for the year."),
        ],
        activities=[
            ("call", 20, 89, "Intake call."),
            ("visit", 40, 60, "Home visit with the WIC nutritionist."),
            ("call", 10, 25, "Weight is up; closure discussed."),
        ],
        goal_shared=True,
        closed=20,
        reviewed=40,
    ),
]


def _ago(days, hour=11):
    moment = timezone.localtime() - datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


class _Backdate:
    """Moves the case events a block of service calls writes to the moment they happened."""

    def __init__(self, case, days, hour=11):
        self.case, self.at = case, _ago(days, hour)

    def __enter__(self):
        self.last = CaseEvent.objects.aggregate(last=Max("pk"))["last"] or 0
        return self

    def __exit__(self, *exc_info):
        if exc_info[0] is None:
            events = CaseEvent.objects.filter(pk__gt=self.last)
            (events.filter(case=self.case) if self.case else events).update(at=self.at)


def seed_supervision_history():
    """Add the demo families with a past to the first demo team; return nothing."""
    team = Team.objects.order_by("pk").first()
    supervisor = User.objects.filter(username="supervisor").first()
    if team is None or supervisor is None:
        return
    for history in HISTORIES:
        if not team.families.filter(name=history.name).exists():
            _seed(history, team, supervisor)


def _seed(history, team, supervisor):
    coordinator = User.objects.get(username=history.coordinator)
    family = case_services.family_create(
        actor=coordinator, team=team, name=history.name, town="Riverton", state="NS", phone="555-010-9000"
    )
    first, last, age, conditions = history.child
    caregiver_first, relationship = history.caregiver
    case_services.caregiver_add(
        family=family,
        actor=coordinator,
        first_name=caregiver_first,
        last_name=last,
        relationship=relationship,
        is_primary=True,
    )
    born = timezone.localdate() - datetime.timedelta(days=age * 365 + 100)
    child = case_services.child_add(
        family=family,
        actor=coordinator,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        conditions=conditions,
    )
    case_services.consent_record(
        family=family,
        actor=coordinator,
        given_by=f"{caregiver_first} {last}",
        given_on=_ago(history.opened).date(),
        expires_on=timezone.localdate() + datetime.timedelta(days=200),
    )
    case = _open_case(history, family, child, coordinator)
    with _Backdate(case, history.opened, hour=9):
        case_services.case_activate(case=case, actor=coordinator, version=saved_version(case))
    needs = [_need(case, coordinator, child, *spec) for spec in history.needs]
    for spec in history.referrals:
        _referral(case, coordinator, needs[spec[0]], *spec[1:])
    settled = history.closed + 3 if history.closed else 5
    for need, (_code, _text, status, days) in zip(needs, history.needs, strict=True):
        if status == Need.Status.IN_PROGRESS:
            with _Backdate(case, days - 1):
                case_services.need_transition(
                    need=need, actor=coordinator, to=status, version=saved_version(need)
                )
        elif status in Need.RESOLVED:
            with _Backdate(case, settled):
                case_services.need_transition(
                    need=need,
                    actor=coordinator,
                    to=status,
                    note="Settled with the family.",
                    version=saved_version(need),
                )
            Need.objects.filter(pk=need.pk).update(resolved_at=_ago(settled))
    for kind, minutes, days, summary in history.activities:
        case_services.activity_log(
            case=case,
            actor=coordinator,
            kind=kind,
            minutes=minutes,
            summary=summary,
            occurred_at=_ago(days, 14),
        )
    if history.goal_shared is not None:
        case_services.goal_add(
            case=case,
            actor=coordinator,
            child=child,
            description=f"{first} gets the care they need, close to home.",
            shared_with_family=history.goal_shared,
        )
    # Follow-up contacts were made (some late): their tasks are done, not overdue.
    for task in Task.objects.filter(case=case, completed_at__isnull=True):
        case_services.task_complete(task=task, actor=coordinator, version=task.version)
    if history.closed:
        _close(case, coordinator, supervisor, history.closed)
    if history.reopened:
        with _Backdate(case, history.reopened):
            case_services.case_reopen(
                case=case,
                actor=coordinator,
                reason="The family moved back; the lease fell through.",
                version=saved_version(case),
            )
        _need(
            case,
            coordinator,
            child,
            "housing",
            "Stable housing after the move back",
            "open",
            history.reopened,
        )
    if history.reviewed:
        with _Backdate(case, history.reviewed, hour=16):
            case_services.case_review(
                case=case,
                actor=supervisor,
                note="Plan is on track; keep weekly contact with the family.",
                version=saved_version(case),
            )
        Case.objects.filter(pk=case.pk).update(reviewed_at=_ago(history.reviewed, 16))


def _open_case(history, family, child, coordinator):
    program = Program.objects.filter(kind=history.program, active=True).order_by("pk").first()
    if history.ed_visits:
        case = None
        for arrived, discharged in history.ed_visits:
            with _Backdate(None, discharged, hour=10):
                visit = case_services.edvisit_record(
                    child=child,
                    actor=coordinator,
                    arrived_at=_ago(arrived, 1),
                    discharged_at=_ago(discharged, 10),
                    reason=EDVisit.Reason.MENTAL_HEALTH_CRISIS,
                    hospital="Riverton General Hospital",
                    follow_up=True,
                )
            case = visit.case
    else:
        case = case_services.case_open(
            family=family, program=program, coordinator=coordinator, actor=coordinator, children=[child]
        )
    Case.objects.filter(pk=case.pk).update(opened_at=_ago(history.opened, 9))
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.OPENED).update(at=_ago(history.opened, 9))
    case.refresh_from_db()
    return case


def _need(case, coordinator, child, code, description, _status, days):
    category = ServiceCategory.objects.get(code=code)
    with _Backdate(case, days):
        need = case_services.need_add(
            case=case,
            actor=coordinator,
            category=category,
            description=description,
            child=None if category.is_household else child,
        )
    Need.objects.filter(pk=need.pk).update(created_at=_ago(days))
    return need


def _referral(case, coordinator, need, provider, status, sent, accepted, closed, reason):
    with _Backdate(case, sent):
        referral = referral_services.referral_create(
            need=need, actor=coordinator, outside_provider=provider, send=True
        )
    steps = {
        "accepted": [("accepted", accepted)],
        "completed": [("accepted", accepted), ("completed", closed)],
        "rejected": [("rejected", closed)],
        "failed": [("failed", closed)],
    }.get(status, [])
    # The deadlines and the acknowledgement the services would have set on those days.
    acknowledge_due, outcome_due = referral_deadlines(case.program, _ago(sent))
    moments = {"requested_at": _ago(sent), "acknowledge_due": acknowledge_due, "outcome_due": outcome_due}
    for step, days in steps:
        with _Backdate(case, days):
            referral = referral_services.referral_transition(
                referral=referral,
                to=step,
                actor=coordinator,
                note=reason if step in ("rejected", "failed") else "",
                version=referral.version,
            )
        ReferralEvent.objects.filter(referral=referral, to_status=step).update(at=_ago(days))
        if step == "accepted":
            moments["accepted_at"] = moments["acknowledged_at"] = _ago(days)
        else:
            moments["closed_at"] = _ago(days)
            if step == "rejected":
                moments["acknowledged_at"] = _ago(days)
            if step == "completed":
                moments["completed_at"] = _ago(days)
                moments.setdefault("accepted_at", _ago(days))
    ReferralEvent.objects.filter(referral=referral, to_status__in=["draft", "requested"]).update(
        at=_ago(sent)
    )
    Referral.objects.filter(pk=referral.pk).update(**moments)
    return referral


def _close(case, coordinator, supervisor, days):
    with _Backdate(case, days + 2):
        for goal in case.goals.filter(status=Goal.Status.ACTIVE):
            case_services.goal_update(
                goal=goal, actor=coordinator, version=goal.version, status=Goal.Status.ACHIEVED
            )
        case_services.case_request_closure(
            case=case,
            actor=coordinator,
            reason=Case.ClosureReason.GOALS_MET,
            note="Needs settled; family agrees.",
            version=saved_version(case),
        )
    with _Backdate(case, days, hour=15):
        case_services.case_approve_closure(case=case, actor=supervisor, version=saved_version(case))
    Case.objects.filter(pk=case.pk).update(closure_requested_at=_ago(days + 2), closed_at=_ago(days, 15))
