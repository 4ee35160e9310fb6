"""Rules the case side's services hold for every caller (pages, commands, the coming API), not only forms.

Each service checks its actor first, names the fields it may change, refuses an
edit made without its version, and checks again what a form checks.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carecoord.services import VersionMissing
from cases import services
from cases.models import (
    Activity,
    Caregiver,
    Case,
    CaseEvent,
    Child,
    Consent,
    EDVisit,
    Family,
    Goal,
    Need,
    Task,
)
from tests.cases.factories import (
    CaregiverFactory,
    ChildFactory,
    ConsentFactory,
    FamilyFactory,
    GoalFactory,
    NeedFactory,
    TaskFactory,
    general_program,
    service_category,
)

pytestmark = pytest.mark.django_db

RECORDS = (Family, Caregiver, Child, Consent, Case, CaseEvent, Need, Goal, Activity, Task, EDVisit)


def everything():
    """Every row and every version of the case side: what a refused call must leave as it was."""
    return {
        model.__name__: sorted(model.objects.values_list("pk", "version" if model is not CaseEvent else "pk"))
        for model in RECORDS
    }


@pytest.fixture
def records(case, mateo, coordinator):
    """One of each record on the Hernández case, for the calls below."""
    return {
        "family": case.family,
        "team": case.team,
        "case": case,
        "child": mateo,
        "coordinator": coordinator,
        "caregiver": CaregiverFactory(family=case.family, first_name="María"),
        "consent": ConsentFactory(family=case.family),
        "need": NeedFactory(case=case, child=mateo, category_code="physical_therapy"),
        "goal": GoalFactory(case=case, child=mateo),
        "task": TaskFactory(case=case, assignee=coordinator),
    }


def _visit_arguments(r):
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    return {"child": r["child"], "arrived_at": two_days_ago, "reason": "mental_health_crisis"}


# Every service that takes an actor, called by Robin, who works on another team.
CALLS = {
    "family_create": lambda r, a: services.family_create(actor=a, team=r["team"], name="Ortiz household"),
    "family_update": lambda r, a: services.family_update(
        family=r["family"], actor=a, version=r["family"].version, name="Changed"
    ),
    "family_archive": lambda r, a: services.family_archive(
        version=r["family"].version, family=r["family"], actor=a, reason="Moved"
    ),
    "family_unarchive": lambda r, a: services.family_unarchive(
        version=r["family"].version, family=r["family"], actor=a
    ),
    "caregiver_add": lambda r, a: services.caregiver_add(
        family=r["family"], actor=a, first_name="Ana", last_name="Ruiz"
    ),
    "caregiver_update": lambda r, a: services.caregiver_update(
        caregiver=r["caregiver"], actor=a, version=r["caregiver"].version, phone="555"
    ),
    "child_add": lambda r, a: services.child_add(
        family=r["family"], actor=a, first_name="Lucía", last_name="Hernández", date_of_birth="2019-01-01"
    ),
    "child_update": lambda r, a: services.child_update(
        child=r["child"], actor=a, version=r["child"].version, conditions="Asthma"
    ),
    "consent_record": lambda r, a: services.consent_record(
        family=r["family"], actor=a, given_by="María", given_on=timezone.localdate()
    ),
    "consent_withdraw": lambda r, a: services.consent_withdraw(
        version=r["consent"].version, consent=r["consent"], actor=a, reason="Asked"
    ),
    "case_open": lambda r, a: services.case_open(
        family=r["family"], program=general_program(), coordinator=r["coordinator"], actor=a
    ),
    "case_update": lambda r, a: services.case_update(
        case=r["case"], actor=a, version=r["case"].version, summary="Changed"
    ),
    "case_activate": lambda r, a: services.case_activate(version=r["case"].version, case=r["case"], actor=a),
    "case_request_closure": lambda r, a: services.case_request_closure(
        version=r["case"].version, case=r["case"], actor=a, reason="goals_met"
    ),
    "case_approve_closure": lambda r, a: services.case_approve_closure(
        version=r["case"].version, case=r["case"], actor=a
    ),
    "case_return_closure": lambda r, a: services.case_return_closure(
        version=r["case"].version, case=r["case"], actor=a, comment="No"
    ),
    "case_reopen": lambda r, a: services.case_reopen(
        version=r["case"].version, case=r["case"], actor=a, reason="Called back"
    ),
    "case_reassign": lambda r, a: services.case_reassign(
        version=r["case"].version, case=r["case"], actor=a, coordinator=r["coordinator"], reason="Leave"
    ),
    "case_review": lambda r, a: services.case_review(
        version=r["case"].version, case=r["case"], actor=a, note="Fine"
    ),
    "case_event_record": lambda r, a: services.case_event_record(
        case=r["case"], kind=CaseEvent.Kind.REFERRAL, actor=a, note="Hello"
    ),
    "need_add": lambda r, a: services.need_add(
        case=r["case"], actor=a, category=service_category("housing"), description="A home"
    ),
    "need_update": lambda r, a: services.need_update(
        need=r["need"], actor=a, version=r["need"].version, description="Changed"
    ),
    "need_transition": lambda r, a: services.need_transition(
        version=r["need"].version, need=r["need"], actor=a, to="in_progress"
    ),
    "goal_add": lambda r, a: services.goal_add(case=r["case"], actor=a, description="Walk to school"),
    "goal_update": lambda r, a: services.goal_update(
        goal=r["goal"], actor=a, version=r["goal"].version, next_steps="Changed"
    ),
    "activity_log": lambda r, a: services.activity_log(
        case=r["case"], actor=a, kind="call", minutes=5, summary="Called"
    ),
    "task_create": lambda r, a: services.task_create(
        case=r["case"], actor=a, title="Call", assignee=r["coordinator"], due_on=timezone.localdate()
    ),
    "task_create_once": lambda r, a: services.task_create_once(
        rule_key="rule:1",
        case=r["case"],
        actor=a,
        title="Call",
        assignee=r["coordinator"],
        due_on="2030-01-01",
    ),
    "task_complete": lambda r, a: services.task_complete(version=r["task"].version, task=r["task"], actor=a),
    "edvisit_record": lambda r, a: services.edvisit_record(actor=a, **_visit_arguments(r)),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_a_coordinator_of_another_team_is_refused_and_nothing_changes(records, outsider, name):
    before = everything()

    with pytest.raises(PermissionDenied):
        CALLS[name](records, outsider)

    assert everything() == before


@pytest.mark.parametrize("name", ["case_update", "need_add", "activity_log", "family_update"])
def test_a_family_login_is_refused_by_staff_services(records, family_user, name):
    before = everything()

    with pytest.raises(PermissionDenied):
        CALLS[name](records, family_user)

    assert everything() == before


def test_an_event_from_outside_names_who_made_it(case):
    with pytest.raises(ValueError, match="actor_label"):
        services.case_event_record(case=case, kind=CaseEvent.Kind.REFERRAL, note="Accepted")

    event = services.case_event_record(
        case=case,
        kind=CaseEvent.Kind.REFERRAL,
        actor_label="Harbor Therapy (receiving organization)",
        note="x",
    )
    assert event.who == "Harbor Therapy (receiving organization)"


# Updates name the fields they change


@pytest.mark.parametrize(
    ("service", "record", "field"),
    [
        ("family_update", "family", "team"),
        ("family_update", "family", "archived_at"),
        ("family_update", "family", "updated_by"),
        ("caregiver_update", "caregiver", "user"),
        ("caregiver_update", "caregiver", "family"),
        ("child_update", "child", "family"),
        ("case_update", "case", "team"),
        ("case_update", "case", "coordinator"),
        ("case_update", "case", "closed_at"),
        ("need_update", "need", "case"),
        ("need_update", "need", "resolved_at"),
        ("goal_update", "goal", "case"),
    ],
)
def test_an_update_refuses_a_field_it_does_not_name(records, coordinator, other_team, service, record, field):
    instance = records[record]
    value = other_team if field == "team" else None
    before = everything()

    with pytest.raises(ValidationError, match="cannot be edited here"):
        getattr(services, service)(
            **{record: instance}, actor=coordinator, version=instance.version, **{field: value}
        )

    assert everything() == before


@pytest.mark.parametrize(
    "field", ["version", "archived_at", "search_name", "phone_digits", "created_by"], ids=lambda field: field
)
def test_creating_a_family_refuses_what_only_the_system_sets(team, coordinator, field):
    with pytest.raises(ValidationError, match="cannot be edited here"):
        services.family_create(actor=coordinator, team=team, name="Ortiz household", **{field: None})

    assert not Family.objects.exists()


def test_an_update_writes_only_the_fields_it_changed(family, coordinator):
    with CaptureQueriesContext(connection) as queries:
        services.family_update(family=family, actor=coordinator, version=family.version, town="Riverton")

    updates = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    written = updates[0].split(" WHERE ")[0]
    for column in ("town", "version", "updated_by_id", "updated_at", "search_name", "phone_digits"):
        assert f'"{column}"' in written
    for column in ("team_id", "name", "archived_at", "created_by_id", "email"):
        assert f'"{column}"' not in written
    family.refresh_from_db()
    assert family.town == "Riverton"
    assert family.version == 2


# An edit names the version it was made on


EDITS = {
    "family_update": lambda r, v: services.family_update(
        family=r["family"], actor=r["coordinator"], version=v, name="Changed"
    ),
    "caregiver_update": lambda r, v: services.caregiver_update(
        caregiver=r["caregiver"], actor=r["coordinator"], version=v, phone="(555) 010-0000"
    ),
    "child_update": lambda r, v: services.child_update(
        child=r["child"], actor=r["coordinator"], version=v, conditions="Asthma"
    ),
    "case_update": lambda r, v: services.case_update(
        case=r["case"], actor=r["coordinator"], version=v, summary="Changed"
    ),
    "need_update": lambda r, v: services.need_update(
        need=r["need"], actor=r["coordinator"], version=v, description="Changed"
    ),
    "goal_update": lambda r, v: services.goal_update(
        goal=r["goal"], actor=r["coordinator"], version=v, next_steps="Changed"
    ),
}


@pytest.mark.parametrize("name", list(EDITS))
@pytest.mark.parametrize("version", [None, ""], ids=["none", "empty"])
def test_an_edit_without_its_version_is_refused_not_written_over(records, name, version):
    before = everything()

    with pytest.raises(VersionMissing, match="did not say which version"):
        EDITS[name](records, version)

    assert everything() == before


def test_the_edit_page_posted_without_a_version_saves_nothing_and_shows_the_current_values(
    client, family, coordinator
):
    client.force_login(coordinator)
    data = {
        "name": "Someone else's household",
        "preferred_language": "es",
        "preferred_contact_method": "phone",
    }

    response = client.post(reverse("cases:family-edit", args=[family.uuid]), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "did not say which version" in content
    assert "Hernández household" in content
    family.refresh_from_db()
    assert family.name == "Hernández household"
    assert family.version == 1
    # The form now carries the version it was shown with: saving again is a conscious choice.
    assert response.context["form"].data["version"] == "1"


# What a form checks, the service checks again


def test_a_child_born_in_the_future_is_refused_by_the_service(family, coordinator):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        services.child_add(
            family=family,
            actor=coordinator,
            first_name="Lucía",
            last_name="Hernández",
            date_of_birth=tomorrow,
        )

    assert "date_of_birth" in refused.value.message_dict
    assert not Child.objects.filter(first_name="Lucía").exists()


def test_a_child_cannot_be_moved_to_a_future_birth_date(mateo, coordinator):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    born = mateo.date_of_birth

    with pytest.raises(ValidationError):
        services.child_update(child=mateo, actor=coordinator, version=mateo.version, date_of_birth=tomorrow)

    mateo.refresh_from_db()
    assert mateo.date_of_birth == born


def test_consent_dated_in_the_future_is_refused_by_the_service(family, coordinator):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        services.consent_record(family=family, actor=coordinator, given_by="María", given_on=tomorrow)

    assert "given_on" in refused.value.message_dict
    assert not Consent.objects.exists()


def test_consent_expiring_before_it_was_given_is_refused_by_the_service(family, coordinator):
    today = timezone.localdate()

    with pytest.raises(ValidationError):
        services.consent_record(
            family=family,
            actor=coordinator,
            given_by="María",
            given_on=today,
            expires_on=today - datetime.timedelta(days=1),
        )

    assert not Consent.objects.exists()


def test_a_case_cannot_open_in_a_program_that_no_longer_takes_cases(family, coordinator):
    program = general_program()
    program.active = False
    program.save()

    with pytest.raises(ValidationError) as refused:
        services.case_open(family=family, program=program, coordinator=coordinator, actor=coordinator)

    assert "program" in refused.value.message_dict
    assert not Case.objects.exists()


def test_children_in_focus_must_be_the_familys_on_opening(family, coordinator):
    stranger = ChildFactory(family=FamilyFactory(team=family.team, name="Nguyen household"))

    with pytest.raises(ValidationError) as refused:
        services.case_open(
            family=family,
            program=general_program(),
            coordinator=coordinator,
            actor=coordinator,
            children=[stranger],
        )

    assert "children" in refused.value.message_dict
    assert not Case.objects.exists()


def test_children_in_focus_must_be_the_familys_on_update(case, coordinator, mateo):
    stranger = ChildFactory(family=FamilyFactory(team=case.team, name="Nguyen household"))

    with pytest.raises(ValidationError):
        services.case_update(case=case, actor=coordinator, version=case.version, children=[stranger])

    case.refresh_from_db()
    assert list(case.children.all()) == [mateo]
    assert case.version == 1


def test_an_ed_arrival_in_the_future_is_refused_by_the_service(mateo, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.edvisit_record(
            child=mateo,
            actor=coordinator,
            arrived_at=timezone.now() + datetime.timedelta(days=1),
            reason=EDVisit.Reason.OTHER,
        )

    assert "arrived_at" in refused.value.message_dict
    assert not EDVisit.objects.exists()


def test_an_ed_visit_is_attached_only_to_a_case_of_the_childs_family(case, coordinator):
    stranger = ChildFactory(family=FamilyFactory(team=case.team, name="Nguyen household"))

    with pytest.raises(ValidationError):
        services.edvisit_record(
            child=stranger,
            actor=coordinator,
            arrived_at=timezone.now() - datetime.timedelta(hours=3),
            reason=EDVisit.Reason.OTHER,
            case=case,
        )

    assert not EDVisit.objects.exists()


def test_a_rule_task_made_by_the_system_has_no_actor(case, coordinator):
    task, created = services.task_create_once(
        rule_key=f"rule:{case.uuid}",
        case=case,
        actor=None,
        title="Call",
        assignee=coordinator,
        due_on="2030-01-01",
    )

    assert created
    assert task.created_by is None


def test_a_reopened_case_never_sits_beside_another_open_case_in_the_program(case, coordinator, supervisor):
    case = services.case_request_closure(
        version=case.version, case=case, actor=coordinator, reason="goals_met"
    )
    case = services.case_approve_closure(version=case.version, case=case, actor=supervisor)
    second = services.case_open(
        family=case.family, program=case.program, coordinator=coordinator, actor=coordinator
    )

    with pytest.raises(ValidationError, match="already has an open case"):
        services.case_reopen(
            version=case.version, case=case, actor=coordinator, reason="The family called back."
        )

    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert second.status == Case.Status.INTAKE


def test_a_refused_edit_shows_the_family_as_saved_and_yes_or_no_in_the_readers_language(
    client, family, coordinator
):
    family.interpreter_needed = True
    family.save()
    client.force_login(coordinator)
    data = {"name": "Otro nombre", "preferred_language": "es", "preferred_contact_method": "phone"}

    response = client.post(reverse("cases:family-edit", args=[family.uuid]), data, HTTP_ACCEPT_LANGUAGE="es")

    content = response.content.decode()
    breadcrumb = content.split('class="breadcrumb"')[1].split("</ol>")[0]
    assert "Hernández household" in breadcrumb
    assert "Otro nombre" not in breadcrumb
    assert "True" not in content.split("</nav>", 2)[-1].split("<form")[0]
    assert ">sí<" in content
