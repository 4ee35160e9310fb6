"""Small fixed datasets whose every figure is worked out by hand in the tests.

Team A is led by the supervisor; team B is not, and everything on it must stay
out of team A's figures. Report data sits in January–March 2025 (the report
range), with rows just outside it on purpose; timestamps are set directly, the
way the services would have left them at those moments.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from cases.models import Activity, Case, EDVisit, Need
from tests.accounts.factories import CoordinatorFactory, SupervisorFactory, TeamFactory
from tests.cases.factories import (
    ActivityFactory,
    CaseFactory,
    ChildFactory,
    EDVisitFactory,
    FamilyFactory,
    GoalFactory,
    NeedFactory,
    TaskFactory,
    ed_program,
    general_program,
)
from tests.referrals.factories import ReferralFactory

UTC = datetime.UTC


def utc(year, month, day, hour=17):
    """17:00 UTC is 12:00 in New York in winter and 13:00 in summer: the same local day."""
    return datetime.datetime(year, month, day, hour, tzinfo=UTC)


def local(year, month, day, hour, minute=0):
    """A wall-clock time in the center's time zone (America/New_York in the tests)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def backdate(instance, **fields):
    """Set timestamps a factory cannot (auto_now_add) or should not (service-stamped) set."""
    type(instance).objects.filter(pk=instance.pk).update(**fields)
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


@dataclass
class Dataset:
    team_a: object
    team_b: object
    supervisor: object
    people: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)


def _case(team, coordinator, name, *, program=None, status=Case.Status.ACTIVE, opened, closed=None, **extra):
    family = FamilyFactory(team=team, name=name)
    case = CaseFactory(
        family=family,
        coordinator=coordinator,
        program=program or general_program(),
        status=status,
        opened_at=opened,
        closed_at=closed,
        closure_requested_at=closed,
        **extra,
    )
    return case


def _need(case, code, status, created):
    return backdate(NeedFactory(case=case, category_code=code, status=status), created_at=created)


def _referral(need, status, requested, accepted=None, completed=None, closed=None, reason="", **deadlines):
    return ReferralFactory(
        need=need,
        status=status,
        requested_at=requested,
        accepted_at=accepted,
        completed_at=completed,
        closed_at=closed,
        status_reason=reason,
        **deadlines,
    )


def report_dataset():
    """The report range is 2025-01-01 to 2025-03-31; see the tests for every expected figure."""
    team_a, team_b = TeamFactory(name="Team A"), TeamFactory(name="Team B")
    supervisor = SupervisorFactory(teams=[team_a], username="sup", first_name="Sam", last_name="Rivera")
    alice = CoordinatorFactory(teams=[team_a], first_name="Alice", last_name="Adams")
    bob = CoordinatorFactory(teams=[team_a], first_name="Bob", last_name="Brown")
    carol = CoordinatorFactory(teams=[team_b], first_name="Carol", last_name="Cole")
    ed = ed_program()
    data = Dataset(team_a, team_b, supervisor, people={"alice": alice, "bob": bob, "carol": carol})

    closed = Case.Status.CLOSED
    c1 = _case(team_a, alice, "One", opened=utc(2025, 1, 5), closed=utc(2025, 2, 4), status=closed)  # 30 days
    c2 = _case(team_a, bob, "Two", opened=utc(2025, 1, 10), closed=utc(2025, 3, 1), status=closed)  # 50 days
    c3 = _case(team_a, alice, "Three", opened=utc(2025, 2, 1), closed=utc(2025, 3, 5), status=closed)  # 32
    # Closed in January and reopened in February: open now, opened before the range.
    c4 = _case(team_a, bob, "Four", opened=utc(2024, 12, 1))
    # Closed, reopened, closed again: counted once, from opening to its last closure (30 days).
    c5 = _case(team_a, alice, "Five", opened=utc(2025, 2, 15), closed=utc(2025, 3, 17), status=closed)
    c6 = _case(team_a, alice, "Six", program=ed, opened=utc(2025, 3, 10), urgent=True)
    c7 = _case(team_b, carol, "Seven", opened=utc(2025, 1, 7), closed=utc(2025, 1, 27), status=closed)
    c8 = _case(team_a, alice, "Eight", opened=utc(2025, 4, 2))
    data.cases = {n: c for n, c in zip(range(1, 9), [c1, c2, c3, c4, c5, c6, c7, c8], strict=True)}

    met, unmet, declined = Need.Status.MET, Need.Status.UNMET, Need.Status.DECLINED
    n1 = _need(c1, "medical", met, utc(2025, 1, 5))
    n2 = _need(c2, "housing", met, utc(2025, 1, 10))
    n3 = _need(c3, "housing", unmet, utc(2025, 2, 1))
    n4 = _need(c5, "speech_therapy", declined, utc(2025, 2, 15))
    n5 = _need(c6, "behavioral_health", Need.Status.IN_PROGRESS, utc(2025, 3, 10))
    n6 = _need(c6, "behavioral_health", Need.Status.OPEN, utc(2025, 3, 10))
    _need(c6, "housing", met, utc(2025, 3, 11))
    n7 = _need(c4, "medical", met, utc(2024, 12, 1))
    n8 = _need(c7, "food", met, utc(2025, 1, 7))

    _referral(n1, "completed", utc(2025, 1, 6), utc(2025, 1, 8), utc(2025, 1, 16), utc(2025, 1, 16))
    _referral(n2, "completed", utc(2025, 1, 11), utc(2025, 1, 15), utc(2025, 2, 10), utc(2025, 2, 10))
    _referral(n5, "requested", utc(2025, 3, 11))  # never answered
    _referral(n3, "rejected", utc(2025, 2, 3), closed=utc(2025, 2, 5), reason="No capacity")
    _referral(n4, "cancelled", utc(2025, 2, 16), accepted=utc(2025, 2, 17), closed=utc(2025, 2, 19))
    _referral(n6, "accepted", utc(2025, 3, 12), accepted=utc(2025, 3, 18))
    # Sent before the range, completed in it: only the monthly "completed" series sees it.
    _referral(n7, "completed", utc(2024, 12, 20), utc(2024, 12, 22), utc(2025, 1, 5), utc(2025, 1, 5))
    _referral(n8, "completed", utc(2025, 1, 8), utc(2025, 1, 9), utc(2025, 1, 12), utc(2025, 1, 12))
    _referral(n6, "draft", None)

    call, visit, message = Activity.Kind.CALL, Activity.Kind.VISIT, Activity.Kind.MESSAGE
    activities = [
        (c1, call, 20, utc(2025, 1, 6)),
        (c1, visit, 60, utc(2025, 1, 20)),
        (c2, Activity.Kind.CHART_REVIEW, 15, utc(2025, 1, 12)),
        (c6, call, 10, utc(2025, 3, 12)),
        (c6, message, 5, utc(2025, 3, 13)),
        # 22:00 on New Year's Eve in New York is already 2025 in UTC: outside the range.
        (c2, call, 30, local(2024, 12, 31, 22)),
        # 23:30 on the last day of the range is in it.
        (c1, Activity.Kind.MEETING, 45, local(2025, 3, 31, 23, 30)),
        (c7, call, 99, utc(2025, 1, 10)),
        (c2, call, 25, local(2025, 2, 12, 11)),  # 11 days after K2's discharge: too late
        (c3, message, 5, local(2025, 1, 27, 9)),  # 7 days after K3's arrival: just in time
        (c2, call, 10, local(2025, 2, 1, 15)),  # during K2's ED stay, before discharge
    ]
    for case, kind, minutes, when in activities:
        ActivityFactory(case=case, kind=kind, minutes=minutes, occurred_at=when)

    mh, other = EDVisit.Reason.MENTAL_HEALTH_CRISIS, EDVisit.Reason.OTHER
    k1 = ChildFactory(family=c6.family, first_name="K1")
    k2 = ChildFactory(family=c2.family, first_name="K2")
    k3 = ChildFactory(family=c3.family, first_name="K3")
    k4 = ChildFactory(family=c7.family, first_name="K4")
    k5 = ChildFactory(family=c1.family, first_name="K5")
    k6 = ChildFactory(family=c5.family, first_name="K6")
    visits = [
        # K1: two visits in the range, counted once; the second is a return within 30 days.
        (k1, mh, local(2025, 3, 10, 1), local(2025, 3, 11, 10), c6),
        (k1, mh, local(2025, 3, 25, 18), local(2025, 3, 26, 2), c6),
        # K2: no case; contacted too late; returns on day 78 for another reason.
        (k2, mh, local(2025, 2, 1, 10), local(2025, 2, 1, 20), None),
        (k2, other, local(2025, 4, 20, 12), local(2025, 4, 20, 16), None),
        # K3: no discharge recorded: the window starts at arrival.
        (k3, mh, local(2025, 1, 20, 9), None, None),
        (k4, mh, local(2025, 1, 15, 9), local(2025, 1, 15, 18), None),  # team B
        (k5, other, local(2025, 2, 3, 9), local(2025, 2, 3, 12), None),  # not a mental-health visit
        # K6: a visit before the range, then the first one in it.
        (k6, mh, local(2024, 12, 28, 9), local(2024, 12, 29, 9), None),
        (k6, mh, local(2025, 1, 3, 9), local(2025, 1, 4, 9), None),
    ]
    for child, reason, arrived, discharged, case in visits:
        EDVisitFactory(child=child, reason=reason, arrived_at=arrived, discharged_at=discharged, case=case)
    GoalFactory(case=c6, child=k1, shared_with_family=True)
    GoalFactory(case=c2, child=None, shared_with_family=True)
    GoalFactory(case=c3, child=k3, shared_with_family=False)
    data.rows["children"] = {"k1": k1, "k2": k2, "k3": k3, "k6": k6}
    return data


def overview_dataset():
    """Today's caseload of team A (and of team B, which the supervisor does not lead)."""
    now = timezone.now()
    today = timezone.localdate()

    def ago(days, hours=0):
        return now - datetime.timedelta(days=days, hours=hours)

    team_a, team_b = TeamFactory(name="Team A"), TeamFactory(name="Team B")
    supervisor = SupervisorFactory(teams=[team_a], username="sup", first_name="Sam", last_name="Rivera")
    alice = CoordinatorFactory(teams=[team_a], first_name="Alice", last_name="Adams")
    bob = CoordinatorFactory(teams=[team_a], first_name="Bob", last_name="Brown")
    carol = CoordinatorFactory(teams=[team_b], first_name="Carol", last_name="Cole")
    # Dave left the team but still holds a case.
    dave = CoordinatorFactory(first_name="Dave", last_name="Dunn", is_active=False)
    ed = ed_program()
    data = Dataset(
        team_a, team_b, supervisor, people={"alice": alice, "bob": bob, "carol": carol, "dave": dave}
    )

    o1 = _case(team_a, alice, "O1 urgent", opened=ago(60), urgent=True)
    o2 = _case(team_a, alice, "O2 silent", opened=ago(45))
    o3 = _case(team_a, alice, "O3 new", opened=ago(10))
    o4 = _case(team_a, alice, "O4 closing", opened=ago(100), reviewed_at=ago(20))
    backdate(
        o4, status=Case.Status.CLOSURE_REQUESTED, closure_reason="goals_met", closure_requested_at=ago(2)
    )
    o5 = _case(team_a, bob, "O5 old review", opened=ago(200), reviewed_at=ago(100))
    o6 = _case(team_a, bob, "O6 never reviewed", program=ed, opened=ago(120))
    o7 = _case(
        team_a, bob, "O7 closed", opened=ago(300), closed=ago(5), status=Case.Status.CLOSED, urgent=True
    )
    o8 = _case(team_b, carol, "O8 other team", opened=ago(90), urgent=True)
    o9 = _case(team_a, dave, "O9 held", opened=ago(5))
    data.cases = {f"o{n}": c for n, c in enumerate([o1, o2, o3, o4, o5, o6, o7, o8, o9], start=1)}

    call = Activity.Kind.CALL
    for case, kind, days in [
        (o1, call, 10),
        (o2, call, 40),
        (o2, Activity.Kind.CHART_REVIEW, 5),
        (o4, call, 3),
        (o5, call, 1),
        (o6, Activity.Kind.MESSAGE, 29),
    ]:
        ActivityFactory(case=case, kind=kind, occurred_at=ago(days))

    day = datetime.timedelta(days=1)
    tasks = {
        "t1": TaskFactory(case=o1, assignee=alice, due_on=today - day),
        "t2": TaskFactory(case=o2, assignee=alice, due_on=today),
        "t3": TaskFactory(case=o1, assignee=alice, due_on=today - 3 * day, completed_at=now),
        "t4": TaskFactory(case=o7, assignee=bob, due_on=today - 10 * day),
        "t5": TaskFactory(case=o8, assignee=carol, due_on=today - 2 * day),
        "t6": TaskFactory(case=o3, assignee=bob, due_on=today - 4 * day),
    }
    # Acknowledgement dates are set directly (the program's business days are tested in
    # tests/referrals): what counts here is where each one falls against today.
    referrals = {}
    for name, case, status, sent, due, acknowledged in [
        ("w1", o1, "requested", 8, -1, None),  # due yesterday: waiting
        ("w2", o1, "requested", 3, 0, None),  # due today: the organization still has the day
        ("w3", o2, "accepted", 20, -15, 1),  # accepted (late): answered
        ("w4", o5, "received", 7, -3, None),  # opened by the organization, not yet accepted: waiting
        ("w5", o7, "requested", 30, -25, None),  # on a closed case
        ("w6", o8, "requested", 30, -25, None),  # team B
        ("w7", o6, "requested", 1, 1, None),  # due tomorrow
        ("w8", o6, "requested", 15, -12, None),  # the ED program's case: waiting
        ("w9", o5, "on-hold", 20, -15, None),  # put on hold by the coordinator: paused
        ("w10", o2, "received", 25, -20, 18),  # accepted, held and received again: answered
        ("w11", o2, "requested", 40, None, None),  # sent before deadlines existed, none backfilled
    ]:
        need = NeedFactory(case=case)
        referrals[name] = _referral(
            need,
            status,
            ago(sent),
            accepted=ago(acknowledged) if acknowledged else None,
            acknowledged_at=ago(acknowledged) if acknowledged else None,
            acknowledge_due=None if due is None else today + due * day,
        )
    data.rows = {**tasks, **referrals}
    return data
