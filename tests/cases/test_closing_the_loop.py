"""Closing the loop: who is told, what a closure waits for, closed cases, ED visits, double clicks."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.closure import ClosureBlocked, closure_blockers
from cases.models import Case, CaseEvent, EDVisit, Goal, Need, Task
from notifications.models import Notification
from tests.cases.factories import (
    CaseFactory,
    EDProgramFactory,
    EDVisitFactory,
    GoalFactory,
    NeedFactory,
    TaskFactory,
)
from tests.referrals.factories import AppointmentFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def items(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def requested(case):
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSURE_REQUESTED,
        closure_reason=Case.ClosureReason.GOALS_MET,
        closure_requested_at=timezone.now(),
    )
    case.refresh_from_db()
    return case


# Inbox items


def test_a_returned_closure_reaches_the_coordinators_inbox_with_the_comment(case, coordinator, supervisor):
    requested(case)

    services.case_return_closure(
        version=case.version, case=case, actor=supervisor, comment="Call the housing office first."
    )

    [item] = items(coordinator, Notification.Kind.CLOSURE_RETURNED)
    assert item.params == {
        "supervisor": "Sam Rivera",
        "family": "Hernández household",
        "note": "Call the housing office first.",
    }
    assert item.url == reverse("cases:case-detail", args=[case.uuid])


def test_a_refused_return_tells_no_one(case, coordinator, supervisor):
    with pytest.raises(ValidationError):
        services.case_return_closure(
            version=case.version, case=case, actor=supervisor, comment="Not waiting for approval."
        )

    assert not Notification.objects.exists()


def test_a_supervisors_review_reaches_the_coordinators_inbox(case, coordinator, supervisor):
    services.case_review(version=case.version, case=case, actor=supervisor, note="Plan on track.")

    [item] = items(coordinator, Notification.Kind.CASE_REVIEWED)
    assert item.params == {"supervisor": "Sam Rivera", "family": "Hernández household"}


def test_a_task_given_to_a_colleague_reaches_their_inbox(case, coordinator, colleague):
    due = timezone.localdate() + datetime.timedelta(days=2)

    services.task_create(case=case, actor=coordinator, title="Send forms", assignee=colleague, due_on=due)

    [item] = items(colleague, Notification.Kind.TASK_ASSIGNED)
    assert item.params == {"by": "Carmen Ortiz", "title": "Send forms", "family": "Hernández household"}
    assert item.url.endswith("#tasks")


def test_a_task_made_for_oneself_tells_no_one(case, coordinator):
    due = timezone.localdate() + datetime.timedelta(days=2)

    services.task_create(case=case, actor=coordinator, title="Call", assignee=coordinator, due_on=due)

    assert not Notification.objects.exists()


def test_a_follow_up_rules_own_task_is_not_announced_as_assigned(case, coordinator):
    services.task_create_once(
        rule_key="rule:1",
        case=case,
        actor=None,
        title="Follow up",
        assignee=coordinator,
        due_on=timezone.localdate(),
    )

    assert not Notification.objects.filter(kind=Notification.Kind.TASK_ASSIGNED).exists()


def test_a_reassigned_case_gives_the_new_coordinator_their_review_task_in_the_inbox(
    case, supervisor, colleague
):
    services.case_reassign(
        version=case.version, case=case, actor=supervisor, coordinator=colleague, reason="Caseload balance"
    )

    [item] = items(colleague, Notification.Kind.TASK_ASSIGNED)
    assert item.params["by"] == "Sam Rivera"
    assert item.params["title"] == "Review reassigned case"


# What a closure waits for


def test_closure_is_blocked_by_an_open_task(case, coordinator):
    TaskFactory(case=case, title="Send the forms")

    with pytest.raises(ClosureBlocked) as blocked:
        services.case_request_closure(
            version=case.version, case=case, actor=coordinator, reason=Case.ClosureReason.GOALS_MET
        )

    assert any("Send the forms" in blocker for blocker in blocked.value.blockers)
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE


def test_closure_is_blocked_by_a_goal_still_being_worked_on(case, coordinator):
    GoalFactory(case=case, description="Walk to school")

    with pytest.raises(ClosureBlocked) as blocked:
        services.case_request_closure(
            version=case.version, case=case, actor=coordinator, reason=Case.ClosureReason.GOALS_MET
        )

    assert any("Walk to school" in blocker for blocker in blocked.value.blockers)


def test_achieved_and_discontinued_goals_and_done_tasks_do_not_block_closure(case, coordinator):
    GoalFactory(case=case, status=Goal.Status.ACHIEVED)
    GoalFactory(case=case, status=Goal.Status.DISCONTINUED)
    TaskFactory(case=case, completed_at=timezone.now(), completed_by=coordinator)

    assert closure_blockers(case) == []


def test_closure_is_blocked_by_a_past_appointment_without_an_outcome(case, coordinator, mateo):
    AppointmentFactory(
        case=case, child=mateo, provider="Neuro clinic", start=timezone.now() - datetime.timedelta(days=1)
    )

    with pytest.raises(ClosureBlocked) as blocked:
        services.case_request_closure(
            version=case.version, case=case, actor=coordinator, reason=Case.ClosureReason.GOALS_MET
        )

    assert any("Neuro clinic" in blocker for blocker in blocked.value.blockers)


def test_past_appointments_with_an_outcome_do_not_block_closure(case, mateo):
    past = timezone.now() - datetime.timedelta(days=1)
    AppointmentFactory(case=case, child=mateo, start=past, status="attended")
    AppointmentFactory(case=case, child=mateo, start=past, status="missed")

    assert closure_blockers(case) == []


def test_closure_with_an_appointment_still_booked_needs_the_coordinators_confirmation(
    case, coordinator, mateo
):
    AppointmentFactory(case=case, child=mateo, start=timezone.now() + datetime.timedelta(days=3))

    with pytest.raises(ValidationError) as refused:
        services.case_request_closure(
            version=case.version, case=case, actor=coordinator, reason=Case.ClosureReason.GOALS_MET
        )
    assert "keep_upcoming_appointments" in refused.value.message_dict
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE

    services.case_request_closure(
        version=case.version,
        case=case,
        actor=coordinator,
        reason=Case.ClosureReason.GOALS_MET,
        keep_upcoming_appointments=True,
    )
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSURE_REQUESTED


def test_approval_is_still_blocked_by_a_task_made_after_the_request(case, supervisor):
    requested(case)
    TaskFactory(case=case)

    with pytest.raises(ClosureBlocked):
        services.case_approve_closure(version=case.version, case=case, actor=supervisor)


def test_the_request_page_lists_tasks_goals_and_appointments_without_outcome(
    client, case, coordinator, mateo
):
    TaskFactory(case=case, title="Send the forms")
    GoalFactory(case=case, description="Walk to school")
    AppointmentFactory(
        case=case, child=mateo, provider="Neuro clinic", start=timezone.now() - datetime.timedelta(days=2)
    )
    client.force_login(coordinator)

    page = client.get(reverse("cases:case-closure-request", args=[case.uuid])).content.decode()

    assert "Send the forms" in page
    assert "Walk to school" in page
    assert "Neuro clinic" in page


def test_the_approval_page_shows_needs_goals_referrals_and_missed_appointments(
    client, case, supervisor, mateo
):
    need = NeedFactory(case=case, status=Need.Status.MET, resolution_note="Housing found on Elm Street.")
    GoalFactory(case=case, description="A safe home", status=Goal.Status.ACHIEVED)
    ReferralFactory(need=need, case=case, outside_provider="Riverton Housing", status="completed")
    AppointmentFactory(
        case=case,
        child=mateo,
        provider="Speech clinic",
        start=timezone.now() - datetime.timedelta(days=5),
        status="missed",
    )
    requested(case)
    client.force_login(supervisor)

    page = client.get(reverse("cases:case-closure-approve", args=[case.uuid])).content.decode()

    for text in (
        "Housing found on Elm Street.",
        "A safe home",
        "Achieved",
        "Riverton Housing",
        "Speech clinic",
    ):
        assert text in page


# Closed cases


def closed(case):
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED,
        closure_reason=Case.ClosureReason.GOALS_MET,
        closure_requested_at=timezone.now(),
        closed_at=timezone.now(),
    )
    case.refresh_from_db()
    return case


def test_every_edit_of_a_closed_case_is_refused_and_changes_nothing(case, coordinator, colleague):
    need = NeedFactory(case=case)
    goal = GoalFactory(case=case, status=Goal.Status.ACHIEVED)
    task = TaskFactory(case=case)
    closed(case)
    due = timezone.localdate()
    attempts = [
        lambda: services.case_update(case=case, actor=coordinator, version=case.version, summary="x"),
        lambda: services.need_update(need=need, actor=coordinator, version=need.version, description="x"),
        lambda: services.goal_add(case=case, actor=coordinator, description="x"),
        lambda: services.goal_update(goal=goal, actor=coordinator, version=goal.version, description="x"),
        lambda: services.activity_log(case=case, actor=coordinator, kind="call", minutes=5, summary="x"),
        lambda: services.task_create(case=case, actor=coordinator, title="x", assignee=colleague, due_on=due),
        lambda: services.task_complete(version=task.version, task=task, actor=coordinator),
        lambda: services.need_add(case=case, actor=coordinator, category=need.category, description="x"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()

    case.refresh_from_db()
    need.refresh_from_db()
    goal.refresh_from_db()
    task.refresh_from_db()
    assert case.summary != "x"
    assert need.description != "x"
    assert goal.description != "x"
    assert task.completed_at is None
    assert case.goals.count() == 1
    assert case.tasks.count() == 1
    assert not case.activities.exists()


def test_a_closed_case_page_offers_no_editing_action_but_reopening(client, case, coordinator):
    NeedFactory(case=case, status=Need.Status.MET)
    GoalFactory(case=case, status=Goal.Status.ACHIEVED)
    closed(case)
    client.force_login(coordinator)

    page = client.get(reverse("cases:case-detail", args=[case.uuid])).content.decode()

    for name in ("case-edit", "need-add", "goal-add", "task-add", "activity-add", "case-closure-request"):
        assert reverse(f"cases:{name}", args=[case.uuid]) not in page, name
    assert "/status/" not in page
    assert "/goals/" not in page.split("timeline")[0].replace(reverse("cases:goal-add", args=[case.uuid]), "")
    assert reverse("cases:case-reopen", args=[case.uuid]) in page


# ED visits


def ed_visit_form(**overrides):
    arrived = timezone.localtime() - datetime.timedelta(days=1)
    data = {
        "reason": EDVisit.Reason.MENTAL_HEALTH_CRISIS,
        "hospital": "Children's Hospital",
        "arrived_at": arrived.strftime("%Y-%m-%dT%H:%M"),
        "discharged_at": (arrived + datetime.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
        "follow_up": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def test_the_ed_visit_form_has_no_reason_chosen_and_refuses_none(client, coordinator, mateo):
    client.force_login(coordinator)
    url = reverse("cases:edvisit-add", args=[mateo.uuid])

    page = client.get(url).content.decode()
    response = client.post(url, ed_visit_form(reason=None))

    assert "checked" not in page.split('name="reason"')[1].split(">")[0]
    assert response.status_code == 200
    assert "Say why the child went to the ED." in response.content.decode()
    assert not EDVisit.objects.exists()


def test_the_ed_follow_up_ticked_for_another_reason_is_refused_on_the_form(client, coordinator, mateo):
    EDProgramFactory()
    client.force_login(coordinator)

    response = client.post(
        reverse("cases:edvisit-add", args=[mateo.uuid]), ed_visit_form(reason=EDVisit.Reason.OTHER)
    )

    assert response.status_code == 200
    assert "The ED follow-up is for a mental-health crisis" in response.content.decode()
    assert not EDVisit.objects.exists()
    assert not Task.objects.exists()


def test_an_ed_visit_is_corrected_from_the_family_page_and_the_history_keeps_it(client, coordinator, mateo):
    visit = EDVisitFactory(child=mateo, hospital="St. Mary")
    client.force_login(coordinator)
    family_page = client.get(reverse("cases:family-detail", args=[mateo.family.uuid])).content.decode()
    url = reverse("cases:edvisit-edit", args=[visit.uuid])
    assert url in family_page

    response = client.post(
        url,
        ed_visit_form(
            reason=EDVisit.Reason.OTHER, hospital="Riverton General", follow_up=None, version=visit.version
        ),
    )

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.reason, visit.hospital, visit.updated_by) == (
        EDVisit.Reason.OTHER,
        "Riverton General",
        coordinator,
    )
    assert LogEntry.objects.get_for_object(visit).filter(action=LogEntry.Action.UPDATE).exists()


def test_a_stale_ed_visit_correction_is_refused_and_changes_nothing(client, coordinator, colleague, mateo):
    visit = EDVisitFactory(child=mateo, hospital="St. Mary")
    opened_on = visit.version
    services.edvisit_update(visit=visit, actor=colleague, version=opened_on, hospital="Riverton General")
    client.force_login(coordinator)

    response = client.post(
        reverse("cases:edvisit-edit", args=[visit.uuid]),
        ed_visit_form(hospital="Elsewhere", follow_up=None, version=opened_on),
    )

    assert response.status_code == 200
    assert "since you opened it" in response.content.decode()
    visit.refresh_from_db()
    assert visit.hospital == "Riverton General"


def test_an_ed_visit_update_takes_only_its_fields_and_its_rules(mateo, coordinator, outsider):
    visit = EDVisitFactory(child=mateo, hospital="St. Mary")
    with pytest.raises(ValidationError):
        services.edvisit_update(visit=visit, actor=coordinator, version=visit.version, case=None)
    with pytest.raises(ValidationError):
        services.edvisit_update(
            visit=visit,
            actor=coordinator,
            version=visit.version,
            discharged_at=visit.arrived_at - datetime.timedelta(hours=1),
        )
    with pytest.raises(ValidationError):
        services.edvisit_update(visit=visit, actor=coordinator, version=visit.version, reason="")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.edvisit_update(visit=visit, actor=outsider, version=visit.version, hospital="x")
    visit.refresh_from_db()
    assert (visit.hospital, visit.reason) == ("St. Mary", EDVisit.Reason.MENTAL_HEALTH_CRISIS)


def test_a_correction_of_a_visit_on_a_case_is_on_the_case_timeline(case, coordinator, mateo):
    visit = EDVisitFactory(child=mateo, case=case)

    services.edvisit_update(visit=visit, actor=coordinator, version=visit.version, hospital="Riverton")

    assert case.events.filter(kind=CaseEvent.Kind.ED_VISIT, note__contains="corrected").exists()


# Double clicks on status actions


def test_a_double_click_on_request_closure_shows_the_saved_result(client, case, coordinator):
    client.force_login(coordinator)
    url = reverse("cases:case-closure-request", args=[case.uuid])
    data = {"reason": Case.ClosureReason.GOALS_MET, "note": "", "version": case.version}

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    assert second.url == reverse("cases:case-detail", args=[case.uuid])
    assert case.events.filter(kind=CaseEvent.Kind.CLOSURE_REQUESTED).count() == 1


def test_a_double_click_on_approve_return_and_reopen_shows_the_saved_result(client, case, supervisor):
    client.force_login(supervisor)
    requested(case)
    for name, data, status in [
        ("case-closure-return", {"comment": "Call housing first."}, Case.Status.ACTIVE),
    ]:
        data["version"] = case.version
        url = reverse(f"cases:{name}", args=[case.uuid])
        assert client.post(url, data).status_code == 302
        assert client.post(url, data).status_code == 302
        case.refresh_from_db()
        assert case.status == status
    assert Notification.objects.filter(kind=Notification.Kind.CLOSURE_RETURNED).count() == 1

    requested(case)
    url = reverse("cases:case-closure-approve", args=[case.uuid])
    data = {"note": "", "version": case.version}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED

    url = reverse("cases:case-reopen", args=[case.uuid])
    data = {"reason": "The family moved back.", "version": case.version}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE
    assert case.events.filter(kind=CaseEvent.Kind.REOPENED).count() == 1


def test_a_double_click_on_start_working_the_case_says_it_is_active(client, coordinator, family):
    case = CaseFactory(family=family, coordinator=coordinator, status=Case.Status.INTAKE)
    client.force_login(coordinator)
    url = reverse("cases:case-activate", args=[case.uuid])

    client.post(url, {"version": case.version})
    second = client.post(url, {"version": case.version}, follow=True)

    messages = [str(message) for message in second.context["messages"]]
    assert messages[-1] == "The case is active."
    assert case.events.filter(kind=CaseEvent.Kind.STATUS).count() == 1


def test_a_double_click_on_a_need_status_shows_the_saved_result(client, case, coordinator):
    need = NeedFactory(case=case)
    client.force_login(coordinator)
    url = reverse("cases:need-status", args=[need.uuid])
    data = {"status": Need.Status.MET, "note": "Housing found.", "version": need.version}

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.MET
    assert need.version == data["version"] + 1


def test_a_status_form_made_on_an_older_version_is_still_refused(client, case, coordinator, colleague):
    need = NeedFactory(case=case)
    opened_on = need.version
    services.need_transition(need=need, actor=colleague, to=Need.Status.IN_PROGRESS, version=opened_on)
    client.force_login(coordinator)

    response = client.post(
        reverse("cases:need-status", args=[need.uuid]),
        {"status": Need.Status.MET, "note": "Housing found.", "version": opened_on},
    )

    assert response.status_code == 200
    assert "since you opened it" in response.content.decode()


def test_a_repeated_move_by_someone_else_is_not_taken_for_a_double_click(
    client, case, coordinator, colleague
):
    requested(case)
    opened_on = case.version
    from tests.accounts.factories import SupervisorFactory

    other_supervisor = SupervisorFactory(teams=[case.team])
    services.case_return_closure(case=case, actor=other_supervisor, comment="Not yet.", version=opened_on)
    supervisor = SupervisorFactory(teams=[case.team])
    client.force_login(supervisor)

    response = client.post(
        reverse("cases:case-closure-return", args=[case.uuid]), {"comment": "Not yet.", "version": opened_on}
    )

    assert response.status_code == 200
