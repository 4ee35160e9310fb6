"""The screening services: administering, sending, saving and finishing, and from answers to needs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carecoord.services import StaleEdit
from cases.closure import closure_blockers
from cases.models import CaseEvent, Need
from notifications.models import Notification
from screening import services
from screening.models import NeedProposal, Screening, ScreeningAnswer
from tests.cases.factories import CaregiverFactory, ChildFactory
from tests.database import changed_tables, database_state

from .factories import (
    AHC,
    DECLINE,
    HVS,
    MOLD,
    NEVER,
    NONE_OF_THE_ABOVE,
    OFTEN,
    SOMETIMES,
    WORRIED,
    YES,
    administer,
    instrument,
    negative_ahc,
    send,
    unsafe,
)

pytestmark = pytest.mark.django_db


def proposal_for(screening, domain):
    return NeedProposal.objects.get(screening=screening, result__domain__code=domain)


# Administering


def test_a_finished_screening_keeps_every_answer_with_its_codes_and_a_result_per_domain(case, caregiver):
    screening = administer(case, caregiver, negative_ahc(**{"88122_7": [SOMETIMES]}))
    assert screening.status == Screening.Status.COMPLETED
    assert screening.completed_at is not None
    assert screening.answers.count() == 10
    food = screening.answers.get(question_code="88122-7")
    assert (food.answer_code, food.positive) == (SOMETIMES, True)
    assert screening.results.count() == 5


def test_each_positive_domain_proposes_one_need_of_its_category_and_nothing_becomes_a_need(case, caregiver):
    screening = administer(
        case, caregiver, negative_ahc(**{"88122_7": [OFTEN], "96779_4": [YES], "71802_3": [WORRIED]})
    )
    proposals = NeedProposal.objects.filter(screening=screening)
    assert sorted(proposals.values_list("category__code", flat=True)) == ["food", "housing", "utilities"]
    assert set(proposals.values_list("status", flat=True)) == {NeedProposal.Status.PROPOSED}
    assert not Need.objects.filter(case=case).exists()


def test_answers_saved_unfinished_wait_for_the_rest(case, caregiver):
    screening = administer(case, caregiver, {"71802-3": [WORRIED]}, finish=False)
    assert screening.status == Screening.Status.IN_PROGRESS
    assert screening.answers.count() == 1
    assert not screening.results.exists()
    assert not NeedProposal.objects.filter(screening=screening).exists()


def test_finishing_needs_an_answer_to_every_question_and_names_the_missing_ones(case, caregiver):
    screening = administer(case, caregiver, {"71802-3": [WORRIED]}, finish=False)
    with pytest.raises(ValidationError) as refused:
        services.screening_answers_save(
            screening=screening,
            actor=case.coordinator,
            version=screening.version,
            answers={"71802-3": [WORRIED]},
            finish=True,
        )
    assert "q-88122-7" in refused.value.error_dict
    assert "q-71802-3" not in refused.value.error_dict
    screening.refresh_from_db()
    assert screening.status == Screening.Status.IN_PROGRESS


def test_declining_every_question_is_an_answer_and_finishes_the_screening(case, caregiver):
    answers = {question.loinc_code: [DECLINE] for question in instrument(AHC).questions.all()}
    answers["88122-7"] = answers["88123-5"] = ["LA15775-2"]
    screening = administer(case, caregiver, answers)
    assert screening.status == Screening.Status.COMPLETED
    assert set(screening.results.values_list("result", flat=True)) == {"declined"}
    assert set(screening.answers.values_list("declined", flat=True)) == {True}


def test_finishing_later_replaces_the_saved_answers(case, caregiver):
    screening = administer(case, caregiver, {"71802-3": [WORRIED]}, finish=False)
    services.screening_answers_save(
        screening=screening,
        actor=case.coordinator,
        version=screening.version,
        answers=negative_ahc(),
        finish=True,
    )
    screening.refresh_from_db()
    assert screening.status == Screening.Status.COMPLETED
    assert screening.answers.get(question_code="71802-3").answer_code == "LA31993-1"
    assert not NeedProposal.objects.filter(screening=screening).exists()


def test_an_answer_of_another_question_is_refused_and_nothing_is_saved(case, caregiver):
    before = database_state()
    with pytest.raises(ValidationError) as refused:
        administer(case, caregiver, negative_ahc(**{"71802_3": [YES]}))
    assert "q-71802-3" in refused.value.error_dict
    assert changed_tables(before, database_state()) == []


def test_two_answers_to_a_one_answer_question_are_refused(case, caregiver):
    with pytest.raises(ValidationError) as refused:
        administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN, NEVER]}))
    assert "q-88122-7" in refused.value.error_dict


def test_none_of_the_above_cannot_be_chosen_with_a_problem(case, caregiver):
    with pytest.raises(ValidationError) as refused:
        administer(case, caregiver, negative_ahc(**{"96778_6": [MOLD, NONE_OF_THE_ABOVE]}))
    assert "q-96778-6" in refused.value.error_dict


def test_an_unknown_question_is_refused(case, caregiver):
    with pytest.raises(ValidationError):
        administer(case, caregiver, {"00000-0": [YES]})


def test_the_person_answering_and_the_children_belong_to_the_family(
    case, caregiver, other_caregiver, other_child
):
    with pytest.raises(ValidationError) as refused:
        administer(case, other_caregiver, negative_ahc())
    assert "respondent" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        administer(case, caregiver, negative_ahc(), children=[other_child])
    assert "children" in refused.value.error_dict


def test_someone_outside_the_team_cannot_screen_and_nothing_changes(case, caregiver, outsider):
    before = database_state()
    with pytest.raises(PermissionDenied):
        administer(case, caregiver, negative_ahc(), actor=outsider)
    assert changed_tables(before, database_state()) == []


def test_the_interpreter_is_recorded_when_one_was_used(case, caregiver):
    screening = administer(case, caregiver, negative_ahc(), interpreter_used=True, interpreter="ID 4471")
    assert (screening.interpreter_used, screening.interpreter) == (True, "ID 4471")
    with pytest.raises(ValidationError) as refused:
        administer(case, caregiver, negative_ahc(), interpreter_used=False, interpreter="ID 4471")
    assert "interpreter" in refused.value.error_dict


def test_a_closed_case_is_not_screened(case, caregiver):
    type(case).objects.filter(pk=case.pk).update(
        status="closed", closed_at=case.opened_at, closure_reason="moved"
    )
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        administer(case, caregiver, negative_ahc())


def test_the_case_timeline_says_a_screening_was_completed_without_writing_prose(case, caregiver):
    administer(case, caregiver, negative_ahc())
    event = case.events.get(kind=CaseEvent.Kind.SCREENING_COMPLETED)
    assert event.note == ""
    assert event.actor == case.coordinator


# Safety


def test_a_positive_safety_result_flags_the_coordinator_at_once_as_urgent(case, caregiver, colleague):
    screening = administer(case, caregiver, unsafe(negative_ahc()), actor=colleague)
    item = Notification.objects.get(kind=Notification.Kind.SCREENING_SAFETY)
    assert item.recipient == case.coordinator
    assert item.urgent
    assert item.url == f"/screening/{screening.uuid}/"
    assert "Hernández" in item.message
    assert proposal_for(screening, "safety").category.code == "safety"


def test_no_safety_flag_without_a_positive_safety_result(case, caregiver):
    administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN]}))
    assert not Notification.objects.filter(kind=Notification.Kind.SCREENING_SAFETY).exists()


# From proposals to needs


def test_confirming_a_proposal_adds_the_need_to_the_case_linked_to_the_screening(case, caregiver, mateo):
    screening = administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN]}))
    proposal = proposal_for(screening, "food")
    confirmed = services.proposal_confirm(
        proposal=proposal,
        actor=case.coordinator,
        version=proposal.version,
        description="Se acaba la comida a fin de mes.",
    )
    need = confirmed.need
    assert confirmed.status == NeedProposal.Status.CONFIRMED
    assert (need.case, need.category.code, need.child, need.description) == (
        case,
        "food",
        None,
        "Se acaba la comida a fin de mes.",
    )
    assert need.screening_proposal == confirmed
    assert case.events.filter(kind=CaseEvent.Kind.NEED_ADDED).exists()


def test_a_confirmed_need_may_be_for_one_child_of_the_screening(case, caregiver, mateo, family):
    lucia = ChildFactory(family=family, first_name="Lucía")
    screening = administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN]}), children=[mateo])
    proposal = proposal_for(screening, "food")
    with pytest.raises(ValidationError) as refused:
        services.proposal_confirm(
            proposal=proposal, actor=case.coordinator, version=proposal.version, description="x", child=lucia
        )
    assert "child" in refused.value.error_dict
    confirmed = services.proposal_confirm(
        proposal=proposal, actor=case.coordinator, version=proposal.version, description="x", child=mateo
    )
    assert confirmed.need.child == mateo


def test_confirming_needs_the_family_s_words(case, caregiver):
    proposal = proposal_for(administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN]})), "food")
    with pytest.raises(ValidationError) as refused:
        services.proposal_confirm(
            proposal=proposal, actor=case.coordinator, version=proposal.version, description=" "
        )
    assert "description" in refused.value.error_dict
    assert not Need.objects.exists()


def test_a_proposal_confirmed_twice_by_the_same_click_is_the_same_need(case, caregiver):
    proposal = proposal_for(administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN]})), "food")
    first = services.proposal_confirm(proposal=proposal, actor=case.coordinator, version=1, description="x")
    again = services.proposal_confirm(proposal=proposal, actor=case.coordinator, version=1, description="x")
    assert again.need == first.need
    assert Need.objects.count() == 1


def test_a_stale_confirmation_is_refused(case, caregiver, colleague):
    proposal = proposal_for(administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN]})), "food")
    services.proposal_dismiss(proposal=proposal, actor=colleague, version=1, reason="already_addressed")
    with pytest.raises(StaleEdit):
        services.proposal_confirm(proposal=proposal, actor=case.coordinator, version=1, description="x")
    assert not Need.objects.exists()


def test_dismissing_a_proposal_records_the_reason_and_makes_no_need(case, caregiver):
    screening = administer(case, caregiver, negative_ahc(**{"93030_5": [YES]}))
    proposal = proposal_for(screening, "transportation")
    dismissed = services.proposal_dismiss(
        proposal=proposal, actor=case.coordinator, version=proposal.version, reason="family_declined"
    )
    assert (dismissed.status, dismissed.dismiss_reason, dismissed.need) == (
        "dismissed",
        "family_declined",
        None,
    )
    assert not Need.objects.exists()
    assert case.events.filter(kind=CaseEvent.Kind.PROPOSAL_DISMISSED).exists()


def test_dismissing_for_another_reason_needs_a_note(case, caregiver):
    proposal = proposal_for(administer(case, caregiver, negative_ahc(**{"93030_5": [YES]})), "transportation")
    with pytest.raises(ValidationError) as refused:
        services.proposal_dismiss(proposal=proposal, actor=case.coordinator, version=1, reason="other")
    assert "note" in refused.value.error_dict
    with pytest.raises(ValidationError):
        services.proposal_dismiss(
            proposal=proposal, actor=case.coordinator, version=1, reason="no-such-reason"
        )
    dismissed = services.proposal_dismiss(
        proposal=proposal, actor=case.coordinator, version=1, reason="other", note="Tiene coche ahora."
    )
    assert case.events.get(kind=CaseEvent.Kind.PROPOSAL_DISMISSED).note == "Tiene coche ahora."
    assert dismissed.dismiss_note == "Tiene coche ahora."


def test_a_decided_proposal_is_not_decided_again(case, caregiver):
    proposal = proposal_for(administer(case, caregiver, negative_ahc(**{"93030_5": [YES]})), "transportation")
    services.proposal_dismiss(proposal=proposal, actor=case.coordinator, version=1, reason="family_declined")
    with pytest.raises(ValidationError):
        services.proposal_confirm(proposal=proposal, actor=case.coordinator, version=2, description="x")


def test_someone_outside_the_team_cannot_confirm_or_dismiss(case, caregiver, outsider):
    proposal = proposal_for(administer(case, caregiver, negative_ahc(**{"93030_5": [YES]})), "transportation")
    before = database_state()
    with pytest.raises(PermissionDenied):
        services.proposal_confirm(proposal=proposal, actor=outsider, version=1, description="x")
    with pytest.raises(PermissionDenied):
        services.proposal_dismiss(proposal=proposal, actor=outsider, version=1, reason="family_declined")
    assert changed_tables(before, database_state()) == []


def test_a_case_closes_only_once_screenings_are_finished_and_proposals_decided(case, caregiver):
    pending = administer(case, caregiver, {}, finish=False)
    proposal = proposal_for(administer(case, caregiver, negative_ahc(**{"93030_5": [YES]})), "transportation")
    blockers = closure_blockers(case)
    assert any("Screening not finished" in blocker for blocker in blockers)
    assert any("Proposed need" in blocker for blocker in blockers)
    services.screening_withdraw(screening=pending, actor=case.coordinator, reason="Duplicate", version=1)
    services.proposal_dismiss(proposal=proposal, actor=case.coordinator, version=1, reason="family_declined")
    assert closure_blockers(case) == []


# Sending to the portal


def test_questions_are_sent_to_a_caregiver_with_a_portal_login(case, caregiver):
    screening = send(case, caregiver)
    assert (screening.status, screening.mode, screening.language) == ("sent", "portal", "es")
    assert screening.sent_at is not None
    assert case.events.filter(kind=CaseEvent.Kind.SCREENING_SENT).exists()


def test_a_caregiver_without_a_portal_login_is_not_sent_questions(case, family):
    rosa = CaregiverFactory(family=family, first_name="Rosa")
    with pytest.raises(ValidationError) as refused:
        send(case, rosa)
    assert "respondent" in refused.value.error_dict


def test_the_same_questions_wait_once_for_a_caregiver(case, caregiver):
    send(case, caregiver)
    with pytest.raises(ValidationError):
        send(case, caregiver)
    send(case, caregiver, code=HVS)


def test_a_withdrawn_screening_needs_a_reason_and_leaves_the_portal(case, caregiver):
    screening = send(case, caregiver)
    with pytest.raises(ValidationError):
        services.screening_withdraw(screening=screening, actor=case.coordinator, reason=" ", version=1)
    withdrawn = services.screening_withdraw(
        screening=screening, actor=case.coordinator, reason="Sent to the wrong caregiver", version=1
    )
    assert withdrawn.status == Screening.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        services.screening_withdraw(screening=withdrawn, actor=case.coordinator, reason="Again", version=2)


def test_the_coordinator_does_not_answer_for_the_family_in_their_portal(case, caregiver):
    screening = send(case, caregiver)
    with pytest.raises(PermissionDenied):
        services.screening_answers_save(
            screening=screening, actor=case.coordinator, version=1, answers=negative_ahc(), finish=True
        )


def test_answer_rows_name_their_observation_codes(case, caregiver):
    screening = administer(case, caregiver, negative_ahc(**{"96778_6": [MOLD]}))
    mold = ScreeningAnswer.objects.get(screening=screening, answer_code=MOLD)
    assert (mold.question_code, mold.positive, mold.declined) == ("96778-6", True, False)
