"""The case pages, driven the way a coordinator or supervisor uses them."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Activity, Case, CaseEvent, Child, Family, Need, Task
from tests.cases.factories import (
    ActivityFactory,
    CaseFactory,
    ChildFactory,
    FamilyFactory,
    NeedFactory,
    TaskFactory,
    general_program,
    service_category,
)
from tests.queries import assert_queries_bounded

pytestmark = pytest.mark.django_db


def intake_data(coordinator, **overrides):
    data = {
        "intake-team": str(coordinator.teams.first().pk),
        "family-name": "Hernández household",
        "family-preferred_language": "es",
        "family-phone": "(555) 010-2231",
        "family-preferred_contact_method": "phone",
        "caregivers-TOTAL_FORMS": "1",
        "caregivers-INITIAL_FORMS": "0",
        "caregivers-MIN_NUM_FORMS": "1",
        "caregivers-MAX_NUM_FORMS": "6",
        "caregivers-0-first_name": "María",
        "caregivers-0-last_name": "Hernández",
        "caregivers-0-relationship": "mother",
        "caregivers-0-phone": "555 010 2231",
        "caregivers-0-is_primary": "on",
        "children-TOTAL_FORMS": "1",
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "1",
        "children-MAX_NUM_FORMS": "6",
        "children-0-first_name": "Mateo",
        "children-0-last_name": "Hernández",
        "children-0-date_of_birth": "2020-03-14",
        "children-0-conditions": "Duchenne muscular dystrophy",
        "case-program": str(general_program().pk),
        "case-coordinator": str(coordinator.pk),
        "case-source": "family",
        "case-summary": "Just moved to the state.",
        "case-urgent": "on",
        "needs-TOTAL_FORMS": "2",
        "needs-INITIAL_FORMS": "0",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "12",
        "needs-0-category": str(service_category("physical_therapy").pk),
        "needs-0-child_number": "1",
        "needs-0-description": "Physical therapy twice a week",
        "needs-1-category": str(service_category("housing").pk),
        "needs-1-child_number": "0",
        "needs-1-description": "Accessible apartment",
    }
    data.update(overrides)
    return data


# Intake


def test_intake_creates_family_children_case_and_needs(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("cases:intake"), intake_data(coordinator))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:case-detail", args=[case.uuid])
    assert case.family.caregivers.get().first_name == "María"
    assert [child.first_name for child in case.children.all()] == ["Mateo"]
    needs = {need.category.code: need.child for need in case.needs.all()}
    assert needs["physical_therapy"].first_name == "Mateo"
    assert needs["housing"] is None
    assert case.urgent


def test_intake_with_missing_child_birth_date_shows_error_and_creates_nothing(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:intake"), intake_data(coordinator, **{"children-0-date_of_birth": ""})
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Family.objects.count() == 0


def test_intake_need_for_a_child_that_was_not_entered_is_refused(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("cases:intake"), intake_data(coordinator, **{"needs-0-child_number": "2"}))
    assert "Need 1: For: Choose who this need is for." in response.content.decode()
    assert Family.objects.count() == 0


def test_intake_offers_the_existing_family_when_a_child_matches(client, coordinator, team):
    existing = FamilyFactory(team=team, name="Hernandez")
    ChildFactory(
        family=existing, first_name="Mateo", last_name="Hernandez", date_of_birth=datetime.date(2020, 3, 14)
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:intake"),
        intake_data(coordinator, **{"family-phone": "555-999-0000", "caregivers-0-phone": ""}),
    )
    content = response.content.decode()
    assert "This family may already be known" in content
    assert reverse("cases:family-detail", args=[existing.uuid]) in content
    assert Family.objects.count() == 1


def test_intake_offers_the_existing_family_when_the_phone_matches(client, coordinator, team):
    existing = FamilyFactory(team=team, name="Other", phone="555.010.2231")
    client.force_login(coordinator)
    response = client.post(reverse("cases:intake"), intake_data(coordinator))
    assert reverse("cases:family-detail", args=[existing.uuid]) in response.content.decode()
    assert Family.objects.count() == 1


def test_intake_creates_a_new_family_when_the_coordinator_confirms_it_is_different(client, coordinator, team):
    FamilyFactory(team=team, name="Other", phone="555.010.2231")
    client.force_login(coordinator)
    response = client.post(reverse("cases:intake"), intake_data(coordinator, confirm_new="1"))
    assert response.status_code == 302
    assert Family.objects.count() == 2


def test_intake_does_not_reveal_a_duplicate_in_another_team(client, coordinator, other_team):
    FamilyFactory(team=other_team, name="Secret", phone="555.010.2231")
    client.force_login(coordinator)
    response = client.post(reverse("cases:intake"), intake_data(coordinator))
    assert response.status_code == 302
    assert "Secret" not in response.content.decode()


# Caseload and search


def test_caseload_lists_my_open_cases_with_their_summary(client, coordinator, case):
    NeedFactory(case=case)
    TaskFactory(case=case, assignee=coordinator, due_on=timezone.localdate() - datetime.timedelta(days=1))
    CaseFactory(
        family=FamilyFactory(team=case.team, name="Closed family"),
        coordinator=coordinator,
        status=Case.Status.CLOSED,
    )
    client.force_login(coordinator)
    response = client.get(reverse("cases:caseload"))
    content = response.content.decode()
    assert "Hernández household" in content
    assert "overdue" in content
    assert "Closed family" not in content


def test_caseload_filters_urgent_cases(client, coordinator, case):
    CaseFactory(
        family=FamilyFactory(team=case.team, name="Urgent family"), coordinator=coordinator, urgent=True
    )
    client.force_login(coordinator)
    content = client.get(reverse("cases:caseload"), {"urgent": "on"}).content.decode()
    assert "Urgent family" in content
    assert "Hernández household" not in content


def test_caseload_export_has_the_same_rows_as_the_page(client, coordinator, case, other_team):
    CaseFactory(family=FamilyFactory(team=other_team, name="Other team family"))
    client.force_login(coordinator)
    response = client.get(reverse("cases:caseload-export"), {"scope": "team"})
    rows = response.content.decode().strip().splitlines()
    assert len(rows) == 2
    assert "Hernández household" in rows[1]


def test_a_household_named_like_a_formula_is_exported_as_text(client, coordinator, case):
    case.family.name = '=HYPERLINK("http://evil.example","Open")'
    case.family.save()
    client.force_login(coordinator)
    response = client.get(reverse("cases:caseload-export"), {"scope": "team"})
    cells = list(csv.reader(io.StringIO(response.content.decode())))[1]
    assert "'" + case.family.name in cells
    assert case.family.name not in cells


def _cases(count, coordinator):
    numbered_from = Family.objects.count()
    for index in range(numbered_from, numbered_from + count):
        family = FamilyFactory(team=coordinator.teams.first(), name=f"Family {index}")
        case = CaseFactory(family=family, coordinator=coordinator, children=[ChildFactory(family=family)])
        NeedFactory(case=case)
        TaskFactory(case=case, assignee=coordinator)
        ActivityFactory(case=case)


def test_caseload_query_count_does_not_grow_with_cases(client, coordinator):
    client.force_login(coordinator)

    def load():
        assert client.get(reverse("cases:caseload")).status_code == 200

    assert_queries_bounded(add_rows=lambda count: _cases(count, coordinator), load=load, ceiling=8)


def test_search_query_count_does_not_grow_with_families(client, coordinator):
    client.force_login(coordinator)

    def load():
        assert client.get(reverse("cases:search"), {"q": "family"}).status_code == 200

    assert_queries_bounded(add_rows=lambda count: _cases(count, coordinator), load=load, ceiling=9)


def test_case_page_query_count_does_not_grow_with_its_records(client, coordinator, case):
    def add_records(count):
        for _ in range(count):
            NeedFactory(case=case)
            TaskFactory(case=case, assignee=coordinator)
            ActivityFactory(case=case)

    client.force_login(coordinator)

    def load():
        assert client.get(reverse("cases:case-detail", args=[case.uuid])).status_code == 200

    assert_queries_bounded(add_rows=add_records, load=load, ceiling=22)


def test_search_finds_a_family_by_a_childs_name_without_accents(client, coordinator, case):
    client.force_login(coordinator)
    content = client.get(reverse("cases:search"), {"q": "hernandez mat"}).content.decode()
    assert "Hernández household" in content


def test_search_never_shows_another_teams_family(client, coordinator, other_team):
    FamilyFactory(team=other_team, name="Hernández household")
    client.force_login(coordinator)
    content = client.get(reverse("cases:search"), {"q": "hernandez"}).content.decode()
    assert "Hernández household" not in content


# Scoping


@pytest.mark.parametrize(
    "url_name",
    [
        "cases:case-edit",
        "cases:need-add",
        "cases:activity-add",
        "cases:task-add",
        "cases:case-history",
        "cases:case-closure-request",
    ],
)
def test_another_teams_case_is_not_found(client, case, outsider, url_name):
    client.force_login(outsider)
    assert client.get(reverse(url_name, args=[case.uuid])).status_code == 404


def test_another_teams_case_page_offers_only_emergency_access(client, case, outsider):
    client.force_login(outsider)
    response = client.get(reverse("cases:case-detail", args=[case.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:emergency-access", args=[case.uuid])


def test_family_user_cannot_open_a_case_page(client, case, family_user):
    client.force_login(family_user)
    assert client.get(reverse("cases:case-detail", args=[case.uuid])).status_code == 404


def test_post_to_another_teams_case_changes_nothing(client, case, outsider):
    client.force_login(outsider)
    response = client.post(
        reverse("cases:need-add", args=[case.uuid]),
        {"category": service_category("food").pk, "description": "Food"},
    )
    assert response.status_code == 404
    assert case.needs.count() == 0


def test_admin_sees_every_teams_case(client, case, admin):
    client.force_login(admin)
    assert client.get(reverse("cases:case-detail", args=[case.uuid])).status_code == 200


def test_another_teams_family_page_is_not_found(client, case, outsider):
    client.force_login(outsider)
    assert client.get(reverse("cases:family-detail", args=[case.family.uuid])).status_code == 404


# The case page and its parts


def test_case_page_shows_children_needs_goals_tasks_and_timeline(client, coordinator, case):
    NeedFactory(case=case, description="Accessible apartment")
    ActivityFactory(case=case, summary="Talked with mother about housing")
    TaskFactory(case=case, assignee=coordinator, title="Call the housing office")
    client.force_login(coordinator)
    content = client.get(reverse("cases:case-detail", args=[case.uuid])).content.decode()
    for text in [
        "Mateo",
        "Accessible apartment",
        "Talked with mother about housing",
        "Call the housing office",
    ]:
        assert text in content


def test_child_from_seventeen_is_marked_for_transition_to_adult_care(client, coordinator, case):
    today = timezone.localdate()
    ChildFactory(family=case.family, first_name="Diego", date_of_birth=today.replace(year=today.year - 17))
    client.force_login(coordinator)
    content = client.get(reverse("cases:case-detail", args=[case.uuid])).content.decode()
    assert content.count("Plan transition to adult care") == 1


def test_adding_a_need_with_htmx_returns_the_updated_needs_section(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:need-add", args=[case.uuid]),
        {"category": service_category("housing").pk, "description": "Accessible apartment"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#needs"
    assert 'id="needs"' in response.content.decode()
    assert "<html" not in response.content.decode()
    assert case.needs.get().description == "Accessible apartment"


def test_adding_a_need_without_javascript_redirects_to_the_case(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:need-add", args=[case.uuid]),
        {"category": service_category("housing").pk, "description": "Accessible apartment"},
    )
    assert response.status_code == 302
    assert response.url.endswith("#needs")


def test_need_marked_met_without_a_note_is_refused_and_unchanged(client, coordinator, case):
    need = NeedFactory(case=case, status=Need.Status.IN_PROGRESS)
    client.force_login(coordinator)
    response = client.post(reverse("cases:need-status", args=[need.uuid]), {"status": "met", "note": ""})
    assert "Write a resolution note" in response.content.decode()
    need.refresh_from_db()
    assert need.status == Need.Status.IN_PROGRESS


def test_need_marked_met_with_a_note_appears_on_the_timeline(client, coordinator, case):
    need = NeedFactory(case=case, status=Need.Status.IN_PROGRESS)
    client.force_login(coordinator)
    client.post(
        reverse("cases:need-status", args=[need.uuid]),
        {"status": "met", "note": "Started PT", "version": need.version},
    )
    need.refresh_from_db()
    assert need.status == Need.Status.MET
    content = client.get(reverse("cases:case-detail", args=[case.uuid])).content.decode()
    assert "Started PT" in content


def test_logging_an_activity_records_minutes_and_summary(client, coordinator, case):
    client.force_login(coordinator)
    client.post(
        reverse("cases:activity-add", args=[case.uuid]),
        {
            "kind": "call",
            "with_whom": "María",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "minutes": "20",
            "summary": "Confirmed the PT appointment",
        },
    )
    activity = Activity.objects.get()
    assert (activity.minutes, activity.created_by) == (20, coordinator)


def test_activity_with_zero_minutes_is_refused(client, coordinator, case):
    client.force_login(coordinator)
    client.post(
        reverse("cases:activity-add", args=[case.uuid]),
        {
            "kind": "call",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "minutes": "0",
            "summary": "x",
        },
    )
    assert Activity.objects.count() == 0


def test_task_assigned_to_a_teammate_and_completed(client, coordinator, colleague, case):
    client.force_login(coordinator)
    client.post(
        reverse("cases:task-add", args=[case.uuid]),
        {"title": "Send forms", "assignee": colleague.pk, "due_on": "2030-01-01"},
    )
    task = Task.objects.get()
    assert task.assignee == colleague
    client.post(reverse("cases:task-complete", args=[task.uuid]), {"version": task.version})
    task.refresh_from_db()
    assert task.completed_by == coordinator


def test_task_cannot_be_assigned_outside_the_team(client, coordinator, case, outsider):
    client.force_login(coordinator)
    client.post(
        reverse("cases:task-add", args=[case.uuid]),
        {"title": "Send forms", "assignee": outsider.pk, "due_on": "2030-01-01"},
    )
    assert Task.objects.count() == 0


# Concurrent edits


def test_stale_need_edit_is_refused_naming_who_changed_it_and_keeps_the_newer_value(
    client, coordinator, colleague, case
):
    need = NeedFactory(case=case, description="Original")
    opened_version = need.version
    client.force_login(colleague)
    client.post(
        reverse("cases:need-edit", args=[need.uuid]),
        {"category": need.category.pk, "description": "Changed by Jordan", "version": opened_version},
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:need-edit", args=[need.uuid]),
        {"category": need.category.pk, "description": "Changed by Carmen", "version": opened_version},
    )
    content = response.content.decode()
    assert "changed by Jordan Lee" in content
    assert "Changed by Carmen" in content  # what Carmen typed is still in the form
    need.refresh_from_db()
    assert need.description == "Changed by Jordan"


def test_stale_family_edit_is_refused(client, coordinator, case):
    family = case.family
    client.force_login(coordinator)
    data = {
        "name": "New name",
        "preferred_language": "es",
        "preferred_contact_method": "phone",
        "version": family.version,
    }
    client.post(reverse("cases:family-edit", args=[family.uuid]), data)
    response = client.post(reverse("cases:family-edit", args=[family.uuid]), {**data, "name": "Other name"})
    assert "since you opened it" in response.content.decode()
    family.refresh_from_db()
    assert family.name == "New name"


# Closure


def test_closure_request_lists_what_is_still_open(client, coordinator, case):
    NeedFactory(case=case, description="Accessible apartment")
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:case-closure-request", args=[case.uuid]),
        {"reason": "goals_met", "version": case.version},
    )
    assert "Accessible apartment" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE


def test_closure_requested_then_approved_by_the_supervisor(client, coordinator, supervisor, case):
    NeedFactory(case=case, status=Need.Status.MET)
    client.force_login(coordinator)
    client.post(
        reverse("cases:case-closure-request", args=[case.uuid]),
        {"reason": "goals_met", "note": "Done", "version": case.version},
    )
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSURE_REQUESTED
    client.force_login(supervisor)
    client.post(
        reverse("cases:case-closure-approve", args=[case.uuid]), {"note": "", "version": case.version}
    )
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.events.filter(kind=CaseEvent.Kind.CLOSURE_APPROVED, actor=supervisor).exists()


def test_coordinator_cannot_approve_a_closure(client, coordinator, case):
    case.status = Case.Status.CLOSURE_REQUESTED
    case.closure_reason = "goals_met"
    case.save()
    client.force_login(coordinator)
    response = client.post(reverse("cases:case-closure-approve", args=[case.uuid]), {"note": ""})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSURE_REQUESTED


def test_supervisor_returns_a_closure_with_a_comment_the_coordinator_sees(
    client, coordinator, supervisor, case
):
    case.status = Case.Status.CLOSURE_REQUESTED
    case.closure_reason = "goals_met"
    case.save()
    client.force_login(supervisor)
    client.post(
        reverse("cases:case-closure-return", args=[case.uuid]),
        {"comment": "Call the family once more", "version": case.version},
    )
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE
    client.force_login(coordinator)
    assert (
        "Call the family once more"
        in client.get(reverse("cases:case-detail", args=[case.uuid])).content.decode()
    )


def test_closed_case_is_reopened_with_a_reason(client, coordinator, case):
    case.status = Case.Status.CLOSED
    case.closure_reason = "moved"
    case.closed_at = timezone.now()
    case.save()
    client.force_login(coordinator)
    client.post(
        reverse("cases:case-reopen", args=[case.uuid]),
        {"reason": "Family came back", "version": case.version},
    )
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE


# ED visits and consent


def test_mental_health_ed_visit_opens_the_follow_up_case_with_a_task(client, coordinator, case):
    child = case.children.first()
    client.force_login(coordinator)
    now = timezone.localtime()
    response = client.post(
        reverse("cases:edvisit-add", args=[child.uuid]),
        {
            "reason": "mental_health_crisis",
            "arrived_at": (now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "discharged_at": now.strftime("%Y-%m-%dT%H:%M"),
            "follow_up": "on",
        },
    )
    follow_up = Case.objects.get(program__kind="ed_follow_up")
    assert response.url == reverse("cases:case-detail", args=[follow_up.uuid])
    task = follow_up.tasks.get()
    assert task.due_on == now.date() + datetime.timedelta(days=follow_up.program.follow_up_target_days)


def test_consent_recorded_and_withdrawn(client, coordinator, case):
    client.force_login(coordinator)
    client.post(
        reverse("cases:consent-add", args=[case.family.uuid]),
        {"scope": "all_providers", "given_by": "María", "given_on": timezone.localdate().isoformat()},
    )
    consent = case.family.consents.get()
    assert consent.is_in_force
    client.post(
        reverse("cases:consent-withdraw", args=[consent.uuid]),
        {"reason": "Family asked", "version": consent.version},
    )
    consent.refresh_from_db()
    assert not consent.is_in_force


def test_consent_expiring_before_it_was_given_is_refused(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:consent-add", args=[case.family.uuid]),
        {"scope": "all_providers", "given_by": "María", "given_on": "2026-01-10", "expires_on": "2026-01-01"},
    )
    assert "The expiry date must be after the date given." in response.content.decode()
    assert case.family.consents.count() == 0


def test_family_with_an_open_case_cannot_be_archived(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:family-archive", args=[case.family.uuid]),
        {"reason": "Moved", "version": case.family.version},
    )
    assert "Close the family" in response.content.decode()
    case.family.refresh_from_db()
    assert not case.family.is_archived


def test_case_history_shows_audit_entries(client, coordinator, case):
    client.force_login(coordinator)
    client.post(
        reverse("cases:need-add", args=[case.uuid]),
        {"category": service_category("housing").pk, "description": "Accessible apartment"},
    )
    content = client.get(reverse("cases:case-history", args=[case.uuid])).content.decode()
    assert "Accessible apartment" in content


def test_child_added_to_a_family(client, coordinator, case):
    client.force_login(coordinator)
    client.post(
        reverse("cases:child-add", args=[case.family.uuid]),
        {"first_name": "Lucía", "last_name": "Hernández", "date_of_birth": "2015-05-01"},
    )
    assert Child.objects.filter(first_name="Lucía", family=case.family).exists()


def test_opening_a_case_page_is_recorded_in_the_access_log(client, coordinator, case):
    from audit.models import AccessEvent

    client.force_login(coordinator)
    client.get(reverse("cases:case-detail", args=[case.uuid]))
    entry = AccessEvent.objects.get(view="cases:case-detail")
    assert (entry.user, entry.object_uuid) == (coordinator, case.uuid)


def test_an_open_need_links_to_the_directory_prefiltered_for_it(client, coordinator, case):
    need = NeedFactory(case=case)
    met = NeedFactory(case=case, status=Need.Status.MET)
    client.force_login(coordinator)
    content = client.get(reverse("cases:case-detail", args=[case.uuid])).content.decode()
    assert f"{reverse('referrals:directory-search')}?need={need.uuid}" in content
    assert f"?need={met.uuid}" not in content


def test_a_child_id_past_the_databases_range_is_an_invalid_choice_when_opening_a_case(
    client, coordinator, family, mateo
):
    client.force_login(coordinator)
    url = reverse("cases:case-open", args=[family.uuid])
    response = client.post(url, {"coordinator": coordinator.pk, "children": ["9223372036854775808"]})
    assert response.status_code == 200
    assert response.context["form"].errors["children"]
    assert not Case.objects.exists()


def test_activating_with_a_version_that_is_no_number_is_refused(client, coordinator, family):
    case = CaseFactory(family=family, coordinator=coordinator, status=Case.Status.INTAKE)
    client.force_login(coordinator)
    version = case.version
    response = client.post(reverse("cases:case-activate", args=[case.uuid]), {"version": "abc"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.version) == (Case.Status.INTAKE, version)
