"""The rules of the case side, held by cases/services.py."""

import datetime
import itertools

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import services
from cases.models import (
    Activity,
    Caregiver,
    Case,
    CaseEvent,
    Child,
    EDVisit,
    Family,
    Need,
    Task,
)
from cases.transitions import CASE_ALLOWED, NEED_ALLOWED, case_can_move
from tests.accounts.factories import (
    AdminFactory,
    CoordinatorFactory,
    FamilyUserFactory,
    SupervisorFactory,
    TeamFactory,
)
from tests.cases.factories import (
    CaregiverFactory,
    CaseFactory,
    ChildFactory,
    ConsentFactory,
    FamilyFactory,
    NeedFactory,
    TaskFactory,
    ed_program,
    general_program,
    service_category,
)

pytestmark = pytest.mark.django_db

S = Case.Status
N = Need.Status


def snapshot(case):
    """What a refused action must leave untouched."""
    case.refresh_from_db()
    return (case.status, case.version, case.coordinator_id, case.closed_at, case.events.count())


def need_snapshot(need):
    need.refresh_from_db()
    return (need.status, need.version, need.resolution_note, need.case.events.count())


def table_counts():
    return {
        model.__name__: model.objects.count() for model in (Family, Caregiver, Child, Case, Need, CaseEvent)
    }


def supervisor_of(case):
    return SupervisorFactory(teams=[case.team])


# Intake


def intake_arguments(team, actor, **overrides):
    arguments = {
        "actor": actor,
        "team": team,
        "family_fields": {"name": "Hernández", "phone": "(617) 555-0100", "preferred_language": "es"},
        "caregivers": [
            {"first_name": "María", "last_name": "Hernández", "phone": "617.555.0101", "is_primary": True},
        ],
        "children": [
            {
                "first_name": "Mateo",
                "last_name": "Hernández",
                "date_of_birth": datetime.date(2018, 5, 2),
                "conditions": "Duchenne muscular dystrophy",
            },
            {"first_name": "Lucía", "last_name": "Hernández", "date_of_birth": datetime.date(2015, 9, 14)},
        ],
        "program": general_program(),
        "coordinator": actor,
        "case_fields": {"summary": "Just moved to the state.", "urgent": True},
        "needs": [
            {"category": service_category("physical_therapy"), "description": "Weekly PT", "child_index": 0},
            {"category": service_category("housing"), "description": "Stable housing", "child_index": None},
        ],
    }
    arguments.update(overrides)
    return arguments


def test_intake_creates_family_caregivers_children_case_and_needs():
    team = TeamFactory()
    coordinator = CoordinatorFactory(teams=[team])

    case = services.intake_create(**intake_arguments(team, coordinator))

    family = case.family
    assert family.team == team
    assert family.search_name == "hernandez"
    assert family.phone_digits == "6175550100"
    assert [caregiver.search_name for caregiver in family.caregivers.all()] == ["maria hernandez"]
    assert family.caregivers.get().phone_digits == "6175550101"
    assert sorted(child.first_name for child in family.children.all()) == ["Lucía", "Mateo"]
    assert case.status == S.INTAKE
    assert case.coordinator == coordinator
    assert case.team == team
    assert case.urgent is True
    assert set(case.children.all()) == set(family.children.all())
    mateo = family.children.get(first_name="Mateo")
    assert {(need.category.code, need.child) for need in case.needs.all()} == {
        ("physical_therapy", mateo),
        ("housing", None),
    }


def test_intake_with_an_invalid_need_category_leaves_nothing_behind():
    team = TeamFactory()
    coordinator = CoordinatorFactory(teams=[team])
    general_program()
    before = table_counts()
    needs = [
        {"category": service_category("housing"), "description": "Stable housing", "child_index": None},
        {"category": None, "description": "Something", "child_index": None},
    ]

    with pytest.raises(ValidationError):
        services.intake_create(**intake_arguments(team, coordinator, needs=needs))

    assert table_counts() == before


def test_intake_with_a_coordinator_outside_the_team_leaves_nothing_behind():
    team = TeamFactory()
    actor = CoordinatorFactory(teams=[team])
    outsider = CoordinatorFactory(teams=[TeamFactory()])
    general_program()
    before = table_counts()

    with pytest.raises(ValidationError) as refused:
        services.intake_create(**intake_arguments(team, actor, coordinator=outsider))

    assert "coordinator" in refused.value.message_dict
    assert table_counts() == before


def test_intake_with_a_need_for_a_child_not_entered_is_refused_and_leaves_nothing_behind():
    team = TeamFactory()
    coordinator = CoordinatorFactory(teams=[team])
    general_program()
    before = table_counts()
    needs = [{"category": service_category("speech_therapy"), "description": "Speech", "child_index": 5}]

    with pytest.raises(ValidationError):
        services.intake_create(**intake_arguments(team, coordinator, needs=needs))

    assert table_counts() == before


# Possible duplicates


def test_possible_duplicates_finds_same_child_name_and_birth_date_ignoring_accents_and_case():
    family = FamilyFactory(name="Núñez")
    ChildFactory(family=family, first_name="José", last_name="Núñez", date_of_birth=datetime.date(2017, 1, 9))

    found = services.possible_duplicates(
        families=Family.objects.all(), children=[("JOSE", "nunez", datetime.date(2017, 1, 9))]
    )

    assert list(found) == [family]


def test_possible_duplicates_ignores_same_child_name_with_another_birth_date():
    family = FamilyFactory(name="Núñez")
    ChildFactory(family=family, first_name="José", last_name="Núñez", date_of_birth=datetime.date(2017, 1, 9))

    found = services.possible_duplicates(
        families=Family.objects.all(), children=[("José", "Núñez", datetime.date(2017, 1, 10))]
    )

    assert list(found) == []


@pytest.mark.parametrize("typed", ["617.555.0142", "+1 (617) 555-0142", "6175550142", "617 555 0142"])
def test_possible_duplicates_finds_the_household_phone_in_another_formatting(typed):
    family = FamilyFactory(phone="(617) 555-0142")

    found = services.possible_duplicates(families=Family.objects.all(), phones=[typed])

    assert list(found) == [family]


def test_possible_duplicates_finds_a_caregiver_phone():
    family = FamilyFactory(phone="")
    CaregiverFactory(family=family, phone="857-555-0199")

    found = services.possible_duplicates(families=Family.objects.all(), phones=["(857) 555 0199"])

    assert list(found) == [family]


def test_possible_duplicates_does_not_find_unrelated_families():
    unrelated = FamilyFactory(name="Smith", phone="(413) 555-0000")
    CaregiverFactory(family=unrelated, phone="(413) 555-0001")
    ChildFactory(
        family=unrelated, first_name="Ava", last_name="Smith", date_of_birth=datetime.date(2016, 4, 4)
    )

    found = services.possible_duplicates(
        families=Family.objects.all(),
        phones=["(617) 555-0142", ""],
        children=[("José", "Núñez", datetime.date(2017, 1, 9)), ("Ava", "Smith", datetime.date(2016, 4, 5))],
    )

    assert list(found) == []


def test_possible_duplicates_lists_a_family_once_when_several_things_match():
    family = FamilyFactory(phone="(617) 555-0142")
    CaregiverFactory(family=family, phone="(617) 555-0142")
    ChildFactory(family=family, first_name="Ana", last_name="Ruiz", date_of_birth=datetime.date(2019, 2, 2))
    ChildFactory(family=family, first_name="Leo", last_name="Ruiz", date_of_birth=datetime.date(2020, 3, 3))

    found = services.possible_duplicates(
        families=Family.objects.all(),
        phones=["617-555-0142"],
        children=[("Ana", "Ruiz", datetime.date(2019, 2, 2)), ("Leo", "Ruiz", datetime.date(2020, 3, 3))],
    )

    assert list(found) == [family]


# Case lifecycle: every move in CASE_ALLOWED, through the service that owns it


def activate(case, coordinator, supervisor):
    return services.case_activate(version=case.version, case=case, actor=coordinator)


def request_closure(case, coordinator, supervisor):
    return services.case_request_closure(
        version=case.version, case=case, actor=coordinator, reason="goals_met", note="All set."
    )


def approve_closure(case, coordinator, supervisor):
    return services.case_approve_closure(version=case.version, case=case, actor=supervisor, note="Well done.")


def return_closure(case, coordinator, supervisor):
    return services.case_return_closure(
        version=case.version, case=case, actor=supervisor, comment="Call the school first."
    )


def reopen(case, coordinator, supervisor):
    return services.case_reopen(
        version=case.version, case=case, actor=coordinator, reason="The family called back."
    )


def update_status(target):
    def attempt(case, coordinator, supervisor):
        return services.case_update(case=case, actor=coordinator, version=case.version, status=target)

    attempt.__name__ = f"case_update(status={target})"
    return attempt


# The service that makes each allowed move, and the event it records.
CASE_MOVES = {
    (S.INTAKE, S.ACTIVE): (activate, CaseEvent.Kind.STATUS),
    (S.INTAKE, S.CLOSURE_REQUESTED): (request_closure, CaseEvent.Kind.CLOSURE_REQUESTED),
    (S.ACTIVE, S.CLOSURE_REQUESTED): (request_closure, CaseEvent.Kind.CLOSURE_REQUESTED),
    (S.CLOSURE_REQUESTED, S.CLOSED): (approve_closure, CaseEvent.Kind.CLOSURE_APPROVED),
    (S.CLOSURE_REQUESTED, S.ACTIVE): (return_closure, CaseEvent.Kind.CLOSURE_RETURNED),
    (S.CLOSED, S.ACTIVE): (reopen, CaseEvent.Kind.REOPENED),
}

CASE_SERVICES_BY_TARGET = {
    S.INTAKE: [],
    S.ACTIVE: [activate, return_closure, reopen],
    S.CLOSURE_REQUESTED: [request_closure],
    S.CLOSED: [approve_closure],
}

ALLOWED_CASE_PAIRS = sorted(
    (current, target) for current, targets in CASE_ALLOWED.items() for target in targets
)
REFUSED_CASE_PAIRS = [
    pair for pair in itertools.product(S.values, repeat=2) if pair not in set(ALLOWED_CASE_PAIRS)
]
# A service asked for a move the table allows but another service owns
# (activating a closed case would skip the reopen reason; activating a
# closure request would skip the supervisor).
MISUSED_CASE_SERVICES = [
    (current, service)
    for (current, target) in ALLOWED_CASE_PAIRS
    for service in CASE_SERVICES_BY_TARGET[target]
    if service is not CASE_MOVES[(current, target)][0]
]


def test_every_allowed_case_move_has_a_service():
    assert set(CASE_MOVES) == set(ALLOWED_CASE_PAIRS)


@pytest.mark.parametrize(("current", "target"), ALLOWED_CASE_PAIRS)
def test_allowed_case_move_changes_status_bumps_version_and_records_an_event(current, target):
    case = CaseFactory(status=current)
    supervisor = supervisor_of(case)
    version = case.version
    service, kind = CASE_MOVES[(current, target)]

    service(case, case.coordinator, supervisor)

    case.refresh_from_db()
    assert case.status == target
    assert case.version == version + 1
    event = case.events.get()
    assert (event.kind, event.from_status, event.to_status) == (kind, current, target)
    assert event.actor in (case.coordinator, supervisor)


@pytest.mark.parametrize(("current", "target"), REFUSED_CASE_PAIRS)
def test_refused_case_move_raises_and_changes_nothing(current, target):
    case = CaseFactory(status=current)
    supervisor = supervisor_of(case)
    before = snapshot(case)
    attempts = [*CASE_SERVICES_BY_TARGET[target], update_status(target)]

    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt(case, case.coordinator, supervisor)
        assert snapshot(case) == before, attempt.__name__
    assert not case_can_move(current, target)


@pytest.mark.parametrize(
    ("current", "service"), MISUSED_CASE_SERVICES, ids=lambda value: getattr(value, "__name__", value)
)
def test_case_service_refuses_a_move_another_service_owns(current, service):
    case = CaseFactory(status=current)
    before = snapshot(case)

    with pytest.raises(ValidationError):
        service(case, case.coordinator, supervisor_of(case))

    assert snapshot(case) == before


@pytest.mark.parametrize("target", S.values)
def test_case_update_cannot_change_the_status(target):
    case = CaseFactory(status=S.ACTIVE)
    before = snapshot(case)

    with pytest.raises(ValidationError):
        update_status(target)(case, case.coordinator, None)

    assert snapshot(case) == before


def test_case_update_changes_details_and_children_in_focus():
    case = CaseFactory()
    child = ChildFactory(family=case.family)

    services.case_update(
        case=case, actor=case.coordinator, version=case.version, summary="New summary", children=[child]
    )

    case.refresh_from_db()
    assert case.summary == "New summary"
    assert list(case.children.all()) == [child]
    assert case.version == 2


# Needs: every move in NEED_ALLOWED

ALLOWED_NEED_PAIRS = sorted(
    (current, target) for current, targets in NEED_ALLOWED.items() for target in targets
)
REFUSED_NEED_PAIRS = [
    pair for pair in itertools.product(N.values, repeat=2) if pair not in set(ALLOWED_NEED_PAIRS)
]


@pytest.mark.parametrize(("current", "target"), ALLOWED_NEED_PAIRS)
def test_allowed_need_move_changes_status_bumps_version_and_records_an_event(current, target):
    need = NeedFactory(status=current)
    coordinator = need.case.coordinator

    services.need_transition(
        version=need.version, need=need, actor=coordinator, to=target, note="Family is settled."
    )

    need.refresh_from_db()
    assert need.status == target
    assert need.version == 2
    if target in Need.RESOLVED:
        assert need.resolution_note == "Family is settled."
        assert need.resolved_at is not None
    else:
        assert need.resolution_note == ""
        assert need.resolved_at is None
    event = need.case.events.get()
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        CaseEvent.Kind.NEED,
        current,
        target,
        coordinator,
    )


@pytest.mark.parametrize(("current", "target"), REFUSED_NEED_PAIRS)
def test_refused_need_move_raises_and_changes_nothing(current, target):
    need = NeedFactory(status=current)
    before = need_snapshot(need)

    with pytest.raises(ValidationError):
        services.need_transition(
            version=need.version, need=need, actor=need.case.coordinator, to=target, note="Settled."
        )

    assert need_snapshot(need) == before


@pytest.mark.parametrize("target", Need.RESOLVED)
@pytest.mark.parametrize("note", ["", "   "])
def test_resolving_a_need_requires_a_resolution_note(target, note):
    need = NeedFactory(status=N.IN_PROGRESS)
    before = need_snapshot(need)

    with pytest.raises(ValidationError) as refused:
        services.need_transition(
            version=need.version, need=need, actor=need.case.coordinator, to=target, note=note
        )

    assert "note" in refused.value.message_dict
    assert need_snapshot(need) == before


def test_need_on_a_closed_case_cannot_be_reopened():
    case = CaseFactory(status=S.CLOSED)
    need = NeedFactory(case=case, status=N.MET)
    before = need_snapshot(need)

    with pytest.raises(ValidationError):
        services.need_transition(version=need.version, need=need, actor=case.coordinator, to=N.OPEN)

    assert need_snapshot(need) == before


def test_need_cannot_be_added_to_a_closed_case():
    case = CaseFactory(status=S.CLOSED)

    with pytest.raises(ValidationError):
        services.need_add(
            case=case, actor=case.coordinator, category=service_category("food"), description="Food pantry"
        )

    assert not case.needs.exists()


def test_need_cannot_be_for_a_child_of_another_family():
    case = CaseFactory()
    stranger = ChildFactory()

    with pytest.raises(ValidationError):
        services.need_add(
            case=case,
            actor=case.coordinator,
            category=service_category("medical"),
            description="Neurology",
            child=stranger,
        )

    assert not case.needs.exists()


def test_need_update_cannot_change_the_status():
    need = NeedFactory(status=N.OPEN)
    before = need_snapshot(need)

    with pytest.raises(ValidationError):
        services.need_update(
            need=need, actor=need.case.coordinator, version=need.version, status=N.MET, resolution_note="x"
        )

    assert need_snapshot(need) == before


# Closure


def test_closure_request_is_refused_with_the_unresolved_needs_named():
    case = CaseFactory(status=S.ACTIVE)
    mateo = ChildFactory(family=case.family, first_name="Mateo")
    NeedFactory(
        case=case, child=mateo, category_code="physical_therapy", description="Weekly physical therapy"
    )
    NeedFactory(case=case, status=N.IN_PROGRESS, description="Bus pass for appointments")
    NeedFactory(case=case, status=N.MET, description="Food pantry registration")
    before = snapshot(case)

    with pytest.raises(services.ClosureBlocked) as blocked:
        services.case_request_closure(
            version=case.version, case=case, actor=case.coordinator, reason="goals_met"
        )

    blockers = blocked.value.blockers
    assert len(blockers) == 2
    assert any("Weekly physical therapy" in blocker and "Mateo" in blocker for blocker in blockers)
    assert any("Bus pass for appointments" in blocker for blocker in blockers)
    assert not any("Food pantry" in blocker for blocker in blockers)
    assert snapshot(case) == before


def test_closure_request_is_allowed_when_every_need_is_resolved():
    case = CaseFactory(status=S.ACTIVE)
    for status in Need.RESOLVED:
        NeedFactory(case=case, status=status)

    services.case_request_closure(
        version=case.version, case=case, actor=case.coordinator, reason="goals_met", note="All connected."
    )

    case.refresh_from_db()
    assert case.status == S.CLOSURE_REQUESTED
    assert case.closure_reason == Case.ClosureReason.GOALS_MET
    assert case.closure_note == "All connected."
    assert case.closure_requested_at is not None


def test_closure_request_needs_a_known_closure_reason():
    case = CaseFactory(status=S.ACTIVE)
    before = snapshot(case)

    with pytest.raises(ValidationError) as refused:
        services.case_request_closure(version=case.version, case=case, actor=case.coordinator, reason="bored")

    assert "reason" in refused.value.message_dict
    assert snapshot(case) == before


def test_closure_approval_is_refused_while_a_need_is_open_again():
    case = CaseFactory(status=S.CLOSURE_REQUESTED)
    NeedFactory(case=case, status=N.OPEN, description="Wheelchair repair")
    before = snapshot(case)

    with pytest.raises(services.ClosureBlocked) as blocked:
        services.case_approve_closure(version=case.version, case=case, actor=supervisor_of(case))

    assert any("Wheelchair repair" in blocker for blocker in blocked.value.blockers)
    assert snapshot(case) == before


def test_supervisor_of_the_case_team_approves_closure():
    case = CaseFactory(status=S.CLOSURE_REQUESTED)
    supervisor = supervisor_of(case)

    services.case_approve_closure(version=case.version, case=case, actor=supervisor, note="Good work.")

    case.refresh_from_db()
    assert case.status == S.CLOSED
    assert case.closed_at is not None
    event = case.events.get()
    assert (event.kind, event.actor, event.note) == (
        CaseEvent.Kind.CLOSURE_APPROVED,
        supervisor,
        "Good work.",
    )


def test_admin_approves_closure_on_any_team():
    case = CaseFactory(status=S.CLOSURE_REQUESTED)

    services.case_approve_closure(version=case.version, case=case, actor=AdminFactory())

    case.refresh_from_db()
    assert case.status == S.CLOSED


def other_team_supervisor(case):
    return SupervisorFactory(teams=[TeamFactory()])


def same_team_coordinator(case):
    return CoordinatorFactory(teams=[case.team])


def any_family_user(case):
    return FamilyUserFactory()


@pytest.mark.parametrize(
    "make_actor",
    [lambda case: case.coordinator, same_team_coordinator, other_team_supervisor, any_family_user],
    ids=["case-coordinator", "other-coordinator-of-team", "supervisor-of-other-team", "family"],
)
def test_closure_approval_by_anyone_but_a_team_supervisor_or_admin_is_denied(make_actor):
    case = CaseFactory(status=S.CLOSURE_REQUESTED)
    before = snapshot(case)

    with pytest.raises(PermissionDenied):
        services.case_approve_closure(version=case.version, case=case, actor=make_actor(case))

    assert snapshot(case) == before


def test_supervisor_returns_closure_with_a_comment():
    case = CaseFactory(status=S.CLOSURE_REQUESTED)
    supervisor = supervisor_of(case)

    services.case_return_closure(
        version=case.version, case=case, actor=supervisor, comment="  Check the PT referral.  "
    )

    case.refresh_from_db()
    assert case.status == S.ACTIVE
    assert case.closure_requested_at is None
    event = case.events.get()
    assert (event.kind, event.note) == (CaseEvent.Kind.CLOSURE_RETURNED, "Check the PT referral.")


@pytest.mark.parametrize("comment", ["", "  "])
def test_closure_return_requires_a_comment(comment):
    case = CaseFactory(status=S.CLOSURE_REQUESTED)
    before = snapshot(case)

    with pytest.raises(ValidationError) as refused:
        services.case_return_closure(
            version=case.version, case=case, actor=supervisor_of(case), comment=comment
        )

    assert "comment" in refused.value.message_dict
    assert snapshot(case) == before


@pytest.mark.parametrize(
    "make_actor",
    [lambda case: case.coordinator, other_team_supervisor],
    ids=["case-coordinator", "supervisor-of-other-team"],
)
def test_closure_return_by_anyone_but_a_team_supervisor_is_denied(make_actor):
    case = CaseFactory(status=S.CLOSURE_REQUESTED)
    before = snapshot(case)

    with pytest.raises(PermissionDenied):
        services.case_return_closure(version=case.version, case=case, actor=make_actor(case), comment="No.")

    assert snapshot(case) == before


# Reopen


def test_reopen_clears_the_closure_and_records_the_reason():
    case = CaseFactory(status=S.CLOSED)

    services.case_reopen(version=case.version, case=case, actor=case.coordinator, reason="  New diagnosis.  ")

    case.refresh_from_db()
    assert case.status == S.ACTIVE
    assert case.closed_at is None
    assert case.closure_reason == ""
    event = case.events.get()
    assert (event.kind, event.from_status, event.note) == (
        CaseEvent.Kind.REOPENED,
        S.CLOSED,
        "New diagnosis.",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopen_requires_a_reason(reason):
    case = CaseFactory(status=S.CLOSED)
    before = snapshot(case)

    with pytest.raises(ValidationError) as refused:
        services.case_reopen(version=case.version, case=case, actor=case.coordinator, reason=reason)

    assert "reason" in refused.value.message_dict
    assert snapshot(case) == before


def test_reopen_is_refused_while_the_family_has_another_open_case_in_the_program():
    closed = CaseFactory(status=S.CLOSED)
    CaseFactory(family=closed.family, program=closed.program, status=S.ACTIVE)
    before = snapshot(closed)

    with pytest.raises(ValidationError):
        services.case_reopen(
            version=closed.version, case=closed, actor=closed.coordinator, reason="Family called back."
        )

    assert snapshot(closed) == before


def test_reopen_is_allowed_with_an_open_case_in_another_program():
    closed = CaseFactory(status=S.CLOSED)
    CaseFactory(family=closed.family, program=ed_program(), status=S.ACTIVE)

    services.case_reopen(
        version=closed.version, case=closed, actor=closed.coordinator, reason="Family called back."
    )

    closed.refresh_from_db()
    assert closed.status == S.ACTIVE


# Concurrent edits


def test_stale_family_edit_is_refused_naming_who_changed_it_and_nothing_is_overwritten():
    family = FamilyFactory(name="Ortiz")
    first = CoordinatorFactory(teams=[family.team], first_name="Rosa", last_name="Delgado")
    second = CoordinatorFactory(teams=[family.team])
    opened_version = family.version
    services.family_update(family=family, actor=first, version=opened_version, name="Ortiz-Delgado")

    with pytest.raises(services.StaleEdit) as stale:
        services.family_update(family=family, actor=second, version=opened_version, name="Ortíz")

    assert "Rosa Delgado" in stale.value.messages[0]
    assert stale.value.code == "stale"
    family.refresh_from_db()
    assert family.name == "Ortiz-Delgado"
    assert family.version == opened_version + 1
    assert family.updated_by == first


def test_stale_case_edit_is_refused_and_nothing_is_overwritten():
    case = CaseFactory(summary="Original")
    supervisor = supervisor_of(case)
    opened_version = case.version
    services.case_update(case=case, actor=supervisor, version=opened_version, summary="Supervisor's edit")

    with pytest.raises(services.StaleEdit) as stale:
        services.case_update(case=case, actor=case.coordinator, version=opened_version, summary="Mine")

    assert str(supervisor) in stale.value.messages[0]
    case.refresh_from_db()
    assert case.summary == "Supervisor's edit"


def test_stale_need_move_is_refused_and_nothing_changes():
    need = NeedFactory(status=N.OPEN)
    coordinator = need.case.coordinator
    services.need_transition(need=need, actor=coordinator, to=N.IN_PROGRESS, version=need.version)
    before = need_snapshot(need)

    with pytest.raises(services.StaleEdit):
        services.need_transition(need=need, actor=coordinator, to=N.MET, note="Done.", version=1)

    assert need_snapshot(need) == before


# Opening cases, archiving families


def test_family_has_one_open_case_per_program():
    family = FamilyFactory()
    coordinator = CoordinatorFactory(teams=[family.team])
    program = general_program()
    services.case_open(family=family, program=program, coordinator=coordinator, actor=coordinator)

    with pytest.raises(ValidationError):
        services.case_open(family=family, program=program, coordinator=coordinator, actor=coordinator)

    assert family.cases.count() == 1
    assert CaseEvent.objects.count() == 1


def test_family_can_have_open_cases_in_two_programs():
    family = FamilyFactory()
    coordinator = CoordinatorFactory(teams=[family.team])

    services.case_open(family=family, program=general_program(), coordinator=coordinator, actor=coordinator)
    services.case_open(family=family, program=ed_program(), coordinator=coordinator, actor=coordinator)

    assert family.cases.open().count() == 2


def test_family_can_have_a_new_case_once_the_last_one_closed():
    closed = CaseFactory(status=S.CLOSED)

    services.case_open(
        family=closed.family, program=closed.program, coordinator=closed.coordinator, actor=closed.coordinator
    )

    assert closed.family.cases.open().count() == 1


def test_database_refuses_a_second_open_case_for_a_family_and_program():
    case = CaseFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            family=case.family, program=case.program, team=case.team, coordinator=case.coordinator
        )


def test_case_cannot_be_opened_for_an_archived_family():
    family = FamilyFactory(archived_at=timezone.now(), archived_reason="Moved away")
    coordinator = CoordinatorFactory(teams=[family.team])

    with pytest.raises(ValidationError):
        services.case_open(
            family=family, program=general_program(), coordinator=coordinator, actor=coordinator
        )

    assert not family.cases.exists()


def test_family_with_an_open_case_cannot_be_archived():
    case = CaseFactory(status=S.CLOSURE_REQUESTED)
    family = case.family
    version = family.version

    with pytest.raises(ValidationError):
        services.family_archive(
            version=family.version, family=family, actor=case.coordinator, reason="Moved away"
        )

    family.refresh_from_db()
    assert family.archived_at is None
    assert family.version == version


def test_family_with_only_closed_cases_is_archived_with_a_reason():
    case = CaseFactory(status=S.CLOSED)

    services.family_archive(
        version=case.family.version,
        family=case.family,
        actor=case.coordinator,
        reason="  Moved out of state  ",
    )

    case.family.refresh_from_db()
    assert case.family.is_archived
    assert case.family.archived_reason == "Moved out of state"


# Consent


def test_consent_without_expiry_is_in_force():
    assert ConsentFactory().is_in_force


def test_consent_expiring_today_is_still_in_force():
    assert ConsentFactory(expires_on=timezone.localdate()).is_in_force


def test_expired_consent_is_not_in_force():
    consent = ConsentFactory(
        given_on=timezone.localdate() - datetime.timedelta(days=400),
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )

    assert not consent.is_in_force


def test_consent_given_in_the_future_is_not_yet_in_force():
    consent = ConsentFactory(given_on=timezone.localdate() + datetime.timedelta(days=3))

    assert not consent.is_in_force
    assert consent.in_force_on(timezone.localdate() + datetime.timedelta(days=3))


def test_withdrawn_consent_is_not_in_force_and_is_kept_on_file():
    case = CaseFactory()
    consent = ConsentFactory(family=case.family)

    services.consent_withdraw(
        version=consent.version, consent=consent, actor=case.coordinator, reason="Mother asked."
    )

    consent.refresh_from_db()
    assert not consent.is_in_force
    assert consent.withdrawn_reason == "Mother asked."
    assert case.events.get().kind == CaseEvent.Kind.CONSENT


def test_consent_cannot_be_withdrawn_twice():
    consent = ConsentFactory(withdrawn_at=timezone.now(), withdrawn_reason="Asked.")
    coordinator = CoordinatorFactory(teams=[consent.family.team])

    with pytest.raises(ValidationError):
        services.consent_withdraw(
            version=consent.version, consent=consent, actor=coordinator, reason="Again."
        )


def test_consent_cannot_expire_before_it_was_given():
    family = FamilyFactory()
    coordinator = CoordinatorFactory(teams=[family.team])

    with pytest.raises(ValidationError):
        services.consent_record(
            family=family,
            actor=coordinator,
            given_by="Mother",
            given_on=datetime.date(2025, 3, 1),
            expires_on=datetime.date(2025, 2, 1),
        )

    assert not family.consents.exists()


def test_recording_consent_writes_an_event_on_each_open_case_only():
    open_case = CaseFactory()
    closed_case = CaseFactory(family=open_case.family, program=ed_program(), status=S.CLOSED)

    services.consent_record(
        family=open_case.family, actor=open_case.coordinator, given_by="Mother", given_on=timezone.localdate()
    )

    assert open_case.events.get().kind == CaseEvent.Kind.CONSENT
    assert not closed_case.events.exists()


# ED visits


def discharge_time():
    return timezone.now() - datetime.timedelta(days=1)


def record_crisis(child, actor, **overrides):
    discharged_at = overrides.pop("discharged_at", discharge_time())
    arguments = {
        "child": child,
        "actor": actor,
        "arrived_at": discharged_at - datetime.timedelta(hours=8),
        "discharged_at": discharged_at,
        "reason": EDVisit.Reason.MENTAL_HEALTH_CRISIS,
        "hospital": "Children's Hospital",
        "follow_up": True,
    }
    arguments.update(overrides)
    return services.edvisit_record(**arguments)


def test_ed_crisis_with_follow_up_opens_an_ed_follow_up_case_with_one_task_due_on_target():
    program = ed_program()
    program.follow_up_target_days = 3
    program.save()
    child = ChildFactory()
    coordinator = CoordinatorFactory(teams=[child.family.team])
    discharged_at = discharge_time()

    visit = record_crisis(child, coordinator, discharged_at=discharged_at)

    case = visit.case
    assert case.program == program
    assert case.family == child.family
    assert case.coordinator == coordinator
    assert case.source == Case.Source.EMERGENCY_DEPARTMENT
    assert case.urgent
    assert list(case.children.all()) == [child]
    task = Task.objects.get()
    assert task.case == case
    assert task.assignee == coordinator
    assert task.due_on == timezone.localtime(discharged_at).date() + datetime.timedelta(days=3)
    assert set(case.events.values_list("kind", flat=True)) == {CaseEvent.Kind.OPENED, CaseEvent.Kind.ED_VISIT}


def test_ed_crisis_with_follow_up_attaches_to_the_open_ed_follow_up_case():
    existing = CaseFactory(program=ed_program())
    child = ChildFactory(family=existing.family)

    visit = record_crisis(child, existing.coordinator)

    assert visit.case == existing
    assert Case.objects.count() == 1
    assert child in existing.children.all()
    assert Task.objects.filter(case=existing).count() == 1
    assert existing.events.get().kind == CaseEvent.Kind.ED_VISIT


def test_ed_crisis_follow_up_by_a_supervisor_goes_to_the_family_latest_coordinator():
    general = CaseFactory()
    child = ChildFactory(family=general.family)

    visit = record_crisis(child, supervisor_of(general))

    assert visit.case.coordinator == general.coordinator
    assert Task.objects.get().assignee == general.coordinator


def test_ed_visit_without_follow_up_opens_no_case_and_no_task():
    child = ChildFactory()
    coordinator = CoordinatorFactory(teams=[child.family.team])

    visit = record_crisis(child, coordinator, follow_up=False)

    assert visit.case is None
    assert not Case.objects.exists()
    assert not Task.objects.exists()


def test_ed_visit_for_another_reason_opens_no_follow_up_case():
    child = ChildFactory()
    coordinator = CoordinatorFactory(teams=[child.family.team])

    visit = record_crisis(child, coordinator, reason=EDVisit.Reason.OTHER, follow_up=False)

    assert visit.case is None
    assert not Task.objects.exists()


def test_ed_follow_up_asked_for_another_reason_is_refused_and_records_nothing():
    ed_program()
    child = ChildFactory()
    coordinator = CoordinatorFactory(teams=[child.family.team])

    with pytest.raises(ValidationError) as refused:
        record_crisis(child, coordinator, reason=EDVisit.Reason.OTHER, follow_up=True)

    assert "mental-health crisis" in str(refused.value.message_dict["follow_up"])
    assert not EDVisit.objects.exists()
    assert not Task.objects.exists()
    assert not Case.objects.exists()


def test_ed_visit_without_a_reason_is_refused():
    child = ChildFactory()
    coordinator = CoordinatorFactory(teams=[child.family.team])

    with pytest.raises(ValidationError) as refused:
        record_crisis(child, coordinator, reason="", follow_up=False)

    assert "reason" in refused.value.message_dict
    assert not EDVisit.objects.exists()


def test_ed_visit_discharged_before_arrival_is_refused():
    child = ChildFactory()
    coordinator = CoordinatorFactory(teams=[child.family.team])
    discharged_at = discharge_time()

    with pytest.raises(ValidationError):
        record_crisis(
            child,
            coordinator,
            discharged_at=discharged_at,
            arrived_at=discharged_at + datetime.timedelta(hours=1),
        )

    assert not EDVisit.objects.exists()
    assert not Case.objects.exists()


# Tasks


def test_task_cannot_be_assigned_outside_the_case_team():
    case = CaseFactory()
    outsider = CoordinatorFactory(teams=[TeamFactory()])

    with pytest.raises(ValidationError) as refused:
        services.task_create(
            case=case, actor=case.coordinator, title="Call", assignee=outsider, due_on=timezone.localdate()
        )

    assert "assignee" in refused.value.message_dict
    assert not Task.objects.exists()


def test_task_cannot_be_assigned_to_an_inactive_member():
    case = CaseFactory()
    gone = CoordinatorFactory(teams=[case.team], is_active=False)

    with pytest.raises(ValidationError):
        services.task_create(
            case=case, actor=case.coordinator, title="Call", assignee=gone, due_on=timezone.localdate()
        )

    assert not Task.objects.exists()


def test_task_create_once_never_duplicates_a_rule_task():
    case = CaseFactory()
    arguments = {
        "rule_key": f"test-rule:{case.uuid}",
        "case": case,
        "actor": case.coordinator,
        "title": "Follow up",
        "assignee": case.coordinator,
        "due_on": timezone.localdate(),
    }

    first, first_created = services.task_create_once(**arguments)
    second, second_created = services.task_create_once(**arguments)

    assert (first_created, second_created) == (True, False)
    assert first == second
    assert Task.objects.count() == 1


def test_completed_task_cannot_be_completed_again():
    task = TaskFactory()
    services.task_complete(version=task.version, task=task, actor=task.assignee)
    task.refresh_from_db()

    with pytest.raises(ValidationError, match="already complete"):
        services.task_complete(version=task.version, task=task, actor=task.assignee)

    task.refresh_from_db()
    assert task.completed_by == task.assignee
    assert task.version == 2


# Reassignment and review


def test_reassigning_a_case_records_an_event_and_gives_the_new_coordinator_a_review_task():
    case = CaseFactory()
    supervisor = supervisor_of(case)
    previous = case.coordinator
    successor = CoordinatorFactory(teams=[case.team])

    services.case_reassign(
        version=case.version, case=case, actor=supervisor, coordinator=successor, reason="Caseload balance"
    )

    case.refresh_from_db()
    assert case.coordinator == successor
    event = case.events.get()
    assert event.kind == CaseEvent.Kind.REASSIGNED
    assert event.actor == supervisor
    assert str(previous) in event.note
    assert "Caseload balance" in event.note
    task = Task.objects.get()
    assert (task.title, task.assignee, task.case) == ("Review reassigned case", successor, case)
    assert task.due_on == timezone.localdate() + datetime.timedelta(days=2)


def test_case_cannot_be_reassigned_to_a_coordinator_outside_its_team():
    case = CaseFactory()
    before = snapshot(case)

    with pytest.raises(ValidationError):
        services.case_reassign(
            version=case.version,
            case=case,
            actor=supervisor_of(case),
            coordinator=CoordinatorFactory(teams=[TeamFactory()]),
            reason="Caseload balance",
        )

    assert snapshot(case) == before
    assert not Task.objects.exists()


def test_coordinator_cannot_reassign_a_case():
    case = CaseFactory()
    before = snapshot(case)

    with pytest.raises(PermissionDenied):
        services.case_reassign(
            version=case.version,
            case=case,
            actor=case.coordinator,
            coordinator=CoordinatorFactory(teams=[case.team]),
            reason="I am busy",
        )

    assert snapshot(case) == before
    assert not Task.objects.exists()


def test_supervisor_review_records_the_date_and_an_event():
    case = CaseFactory()
    supervisor = supervisor_of(case)

    services.case_review(version=case.version, case=case, actor=supervisor, note="Looks good.")

    case.refresh_from_db()
    assert case.reviewed_at is not None
    event = case.events.get()
    assert (event.kind, event.actor, event.note) == (CaseEvent.Kind.REVIEWED, supervisor, "Looks good.")


# Activities


def test_activity_cannot_be_logged_in_the_future():
    case = CaseFactory()

    with pytest.raises(ValidationError) as refused:
        services.activity_log(
            case=case,
            actor=case.coordinator,
            kind="call",
            minutes=10,
            summary="Call",
            occurred_at=timezone.now() + datetime.timedelta(hours=1),
        )

    assert "occurred_at" in refused.value.message_dict
    assert not Activity.objects.exists()


def test_activity_logged_in_the_past_is_saved():
    case = CaseFactory()
    when = timezone.now() - datetime.timedelta(days=1)

    activity = services.activity_log(
        case=case, actor=case.coordinator, kind="visit", minutes=45, summary="Home visit", occurred_at=when
    )

    assert activity.occurred_at == when
    assert activity.created_by == case.coordinator


def test_activity_cannot_be_logged_by_staff_of_another_team():
    case = CaseFactory()

    with pytest.raises(PermissionDenied):
        services.activity_log(
            case=case,
            actor=CoordinatorFactory(teams=[TeamFactory()]),
            kind="call",
            minutes=10,
            summary="Call",
        )

    assert not Activity.objects.exists()


# Events and audit trail


def test_opening_a_case_records_an_opened_event():
    family = FamilyFactory()
    coordinator = CoordinatorFactory(teams=[family.team])

    case = services.case_open(
        family=family, program=general_program(), coordinator=coordinator, actor=coordinator
    )

    event = case.events.get()
    assert (event.kind, event.to_status, event.actor) == (CaseEvent.Kind.OPENED, S.INTAKE, coordinator)


def test_adding_a_need_records_a_need_event():
    case = CaseFactory()

    services.need_add(
        case=case, actor=case.coordinator, category=service_category("transportation"), description="Rides"
    )

    event = case.events.get()
    assert (event.kind, event.to_status, event.actor) == (CaseEvent.Kind.NEED_ADDED, N.OPEN, case.coordinator)
    assert "Rides" in event.note


def test_intake_records_the_opening_and_each_need_on_the_timeline():
    team = TeamFactory()
    coordinator = CoordinatorFactory(teams=[team])

    case = services.intake_create(**intake_arguments(team, coordinator))

    kinds = sorted(case.events.values_list("kind", flat=True))
    assert kinds == sorted([CaseEvent.Kind.OPENED, CaseEvent.Kind.NEED_ADDED, CaseEvent.Kind.NEED_ADDED])


def test_created_case_is_in_the_audit_log():
    family = FamilyFactory()
    coordinator = CoordinatorFactory(teams=[family.team])

    case = services.case_open(
        family=family, program=general_program(), coordinator=coordinator, actor=coordinator
    )

    assert LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.CREATE).count() == 1


def test_changed_case_is_in_the_audit_log_without_hidden_fields():
    case = CaseFactory()

    services.case_update(case=case, actor=case.coordinator, version=case.version, summary="Changed")

    update = LogEntry.objects.get_for_object(case).get(action=LogEntry.Action.UPDATE)
    assert "summary" in update.changes_dict
    assert "version" not in update.changes_dict
