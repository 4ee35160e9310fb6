"""Every write of the screening app. Views, the portal, tasks and the demo call these.

A coordinator administers an instrument on a case (in person or by phone) or
sends it to a caregiver's portal; the answers are saved as they come and can be
finished later; finishing scores every domain, proposes a need for each
positive one, and flags a positive safety result to the coordinator at once.
Nothing becomes a need until a coordinator confirms the proposal with the
family, through the case services.

Answers are given as ``{question code: [answer codes]}`` (LOINC codes of the
instrument version), the same whatever the language of the questions.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoord.services import check_version, is_repeated_edit, lock, save_tracked
from cases import services as case_services
from cases.models import CaseEvent
from cases.permissions import require_case_access
from notifications.models import Notification
from notifications.services import notify

from .models import NeedProposal, Screening, ScreeningAnswer, ScreeningResult
from .scoring import score_screening
from .transitions import PROPOSAL_LIFECYCLE, SCREENING_LIFECYCLE

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def screening_url(screening):
    return reverse("screening:screening-detail", args=[screening.uuid])


# Checks shared by the services


def _require_open_case(case):
    if not case.is_open:
        raise ValidationError(_("This case is closed. Reopen it before screening the family."))


def _check_instrument(instrument):
    if not instrument.active:
        raise ValidationError({"instrument": _("This version of the instrument is no longer offered.")})


def _check_people(case, respondent, children):
    if respondent.family_id != case.family_id:
        raise ValidationError({"respondent": _("The person answering must be a caregiver of the family.")})
    if not children:
        raise ValidationError({"children": _("Choose the children the answers are about.")})
    if any(child.family_id != case.family_id for child in children):
        raise ValidationError({"children": _("Every child must belong to the case's family.")})


def _check_context(mode, language, interpreter_used, interpreter):
    if mode not in Screening.STAFF_MODES:
        raise ValidationError({"mode": _("Say whether the screening is in person or by phone.")})
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose the language the questions were asked in.")})
    if interpreter.strip() and not interpreter_used:
        raise ValidationError(
            {"interpreter": _("Tick “an interpreter was used” or leave the interpreter empty.")}
        )


def _chosen_options(screening, answers):
    """The options ``answers`` names, by question; refuses codes the instrument version does not have,
    two answers to a one-answer question, and an exclusive answer ("none of the above", declining) beside
    another."""
    questions = {question.loinc_code: question for question in screening.instrument.questions.all()}
    options = {}
    for question in questions.values():
        options[question.pk] = {option.code: option for option in question.options.all()}
    chosen = {}
    errors = {}
    for question_code, answer_codes in answers.items():
        question = questions.get(question_code)
        if question is None:
            raise ValidationError(_("An answer names a question this screening does not have."))
        codes = list(dict.fromkeys(code for code in answer_codes if code))
        picked = [options[question.pk].get(code) for code in codes]
        field = f"q-{question_code}"
        if any(option is None for option in picked):
            errors[field] = _("Choose one of the answers offered.")
        elif len(picked) > 1 and not question.multiple:
            errors[field] = _("Choose one answer.")
        elif len(picked) > 1 and any(option.exclusive for option in picked):
            errors[field] = _("“%(answer)s” cannot be chosen with another answer.") % {
                "answer": next(option for option in picked if option.exclusive).text
            }
        elif picked:
            chosen[question.pk] = picked
    if errors:
        raise ValidationError(errors)
    return questions, chosen


def _answers_replace(screening, answers):
    """The answers saved for ``screening`` become exactly ``answers`` (the form shows them all each time)."""
    questions, chosen = _chosen_options(screening, answers)
    by_id = {question.pk: question for question in questions.values()}
    screening.answers.all().delete()
    ScreeningAnswer.objects.bulk_create(
        ScreeningAnswer(
            screening=screening,
            question=by_id[question_id],
            option=option,
            question_code=by_id[question_id].loinc_code,
            answer_code=option.code,
            positive=option.positive,
            score=option.score,
            declined=option.declines,
        )
        for question_id, options in chosen.items()
        for option in options
    )
    return questions, chosen


def _require_every_answer(questions, chosen):
    missing = {
        f"q-{question.loinc_code}": _("Choose an answer, or that the question is not answered.")
        for question in questions.values()
        if question.pk not in chosen
    }
    if missing:
        raise ValidationError(missing)


def _complete(screening, actor, questions, chosen, *, now):
    """Score every domain, propose a need for each positive one, and tell the coordinator what needs them.

    ``actor`` is the coordinator who administered the screening, or the
    caregiver who answered it in the portal.
    """
    _require_every_answer(questions, chosen)
    move = SCREENING_LIFECYCLE["complete"]
    SCREENING_LIFECYCLE.apply(move, screening, now=now)
    instrument = screening.instrument
    scores = score_screening(
        instrument.scorings.select_related("domain__category"), list(questions.values()), chosen
    )
    results = []
    for domain_score in scores:
        result = ScreeningResult.objects.create(
            screening=screening,
            domain=domain_score.scoring.domain,
            result=domain_score.result,
            score=domain_score.score,
            risk_code=domain_score.scoring.risk_code,
            result_code=domain_score.result_code,
        )
        results.append(result)
        if result.is_positive:
            save_tracked(
                NeedProposal(screening=screening, result=result, category=result.domain.category),
                actor if actor.is_staff_member else None,
                created=True,
            )
    case = screening.case
    if actor.is_staff_member:
        case_services.case_event_record(case=case, kind=move.event, actor=actor)
    else:
        case_services.case_event_record(
            case=case, kind=move.event, actor_label=_portal_label(screening.respondent)
        )
    params = {"family": case.family, "caregiver": screening.respondent}
    if any(result.is_positive and result.domain.sensitive for result in results):
        notify(
            recipients=[case.coordinator],
            kind=Notification.Kind.SCREENING_SAFETY,
            url=screening_url(screening),
            params=params,
            urgent=True,
            key=f"screening-safety:{screening.uuid}",
        )
    if screening.mode == Screening.Mode.PORTAL:
        notify(
            recipients=[case.coordinator],
            kind=Notification.Kind.SCREENING_ANSWERED,
            url=screening_url(screening),
            params=params,
            key=f"screening-answered:{screening.uuid}",
        )
    return results


def _portal_label(caregiver):
    """Who made a change from the family portal, as the timeline names them: the caregiver's name."""
    return f"{caregiver.first_name} {caregiver.last_name}"


# Administering, sending, answering


@transaction.atomic
def screening_administer(
    *,
    case,
    instrument,
    respondent,
    children,
    mode,
    language,
    actor,
    answers,
    finish=False,
    interpreter_used=False,
    interpreter="",
):
    """A coordinator screens the family on an open case, in person or by phone, recording the interpreter
    if one was used: the answers given so far are saved, and the screening finished when ``finish``."""
    require_case_access(actor, case)
    _require_open_case(case)
    _check_instrument(instrument)
    _check_people(case, respondent, children)
    _check_context(mode, language, interpreter_used, interpreter)
    screening = Screening(
        instrument=instrument,
        case=case,
        respondent=respondent,
        mode=mode,
        language=language,
        interpreter_used=interpreter_used,
        interpreter=interpreter.strip(),
        status=Screening.Status.IN_PROGRESS,
    )
    save_tracked(screening, actor, created=True)
    screening.children.set(children)
    questions, chosen = _answers_replace(screening, answers)
    if finish:
        _complete(screening, actor, questions, chosen, now=timezone.now())
        save_tracked(screening, actor, update_fields=["status", "completed_at"])
    return screening


@transaction.atomic
def screening_send(*, case, instrument, respondent, children, actor):
    """Send an instrument to a caregiver's family portal, where it waits as a task for them alone.

    The caregiver needs an active portal login; one screening of an instrument
    waits for a caregiver at a time. The questions are shown in the language the
    caregiver reads the portal in; the family's preferred language is recorded
    until they answer.
    """
    require_case_access(actor, case)
    _require_open_case(case)
    _check_instrument(instrument)
    _check_people(case, respondent, children)
    if respondent.user is None or not respondent.user.is_active:
        raise ValidationError(
            {"respondent": _("This caregiver has no portal login: invite them first, or screen by phone.")}
        )
    waiting = Screening.objects.pending().filter(respondent=respondent, instrument__code=instrument.code)
    if waiting.exists():
        raise ValidationError(
            {"respondent": _("These questions are already waiting in this caregiver's portal.")}
        )
    language = case.family.preferred_language
    screening = Screening(
        instrument=instrument,
        case=case,
        respondent=respondent,
        mode=Screening.Mode.PORTAL,
        language=language if language in LANGUAGES else settings.LANGUAGE_CODE,
        status=Screening.Status.SENT,
        sent_at=timezone.now(),
    )
    save_tracked(screening, actor, created=True)
    screening.children.set(children)
    case_services.case_event_record(case=case, kind=CaseEvent.Kind.SCREENING_SENT, actor=actor)
    return screening


def _require_answerer(actor, screening):
    move = SCREENING_LIFECYCLE["complete"]
    if not move.who(actor, screening):
        raise PermissionDenied


@transaction.atomic
def screening_answers_save(*, screening, actor, version, answers, finish=False, language=None):
    """Save the answers given so far, replacing those saved before, and finish the screening when
    ``finish``: the coordinator on a screening they administer, the caregiver on one sent to their portal.

    Finishing needs an answer to every question (declining is an answer). A
    portal screening records the language the caregiver answered in.
    """
    screening = lock(screening)
    _require_answerer(actor, screening)
    if finish and screening.is_completed and is_repeated_edit(screening, version=version, actor=actor):
        return screening
    check_version(screening, version)
    if not screening.is_pending:
        SCREENING_LIFECYCLE.refuse(
            screening.status, Screening.Status.COMPLETED, SCREENING_LIFECYCLE["complete"]
        )
    if screening.mode == Screening.Mode.PORTAL:
        if language is not None:
            if language not in LANGUAGES:
                raise ValidationError(_("Unknown language."))
            screening.language = language
        if screening.status == Screening.Status.SENT:
            SCREENING_LIFECYCLE.apply(SCREENING_LIFECYCLE["start"], screening, now=timezone.now())
    else:
        _require_open_case(screening.case)
    questions, chosen = _answers_replace(screening, answers)
    if finish:
        _complete(screening, actor, questions, chosen, now=timezone.now())
    return save_tracked(screening, actor, update_fields=["status", "completed_at", "language"])


@transaction.atomic
def screening_withdraw(*, screening, actor, reason, version):
    """Withdraw a screening still waiting for answers (sent by mistake, or the family prefers to talk)."""
    screening = lock(screening)
    require_case_access(actor, screening.case)
    withdrawn_so = (
        screening.status == Screening.Status.WITHDRAWN and screening.withdrawn_reason == reason.strip()
    )
    if withdrawn_so and is_repeated_edit(screening, version=version, actor=actor):
        return screening
    check_version(screening, version)
    move = SCREENING_LIFECYCLE.check(SCREENING_LIFECYCLE["withdraw"], screening, actor)
    note = SCREENING_LIFECYCLE.check_note(move, reason, field="reason")
    SCREENING_LIFECYCLE.apply(move, screening, now=timezone.now(), note=note)
    save_tracked(screening, actor, update_fields=["status", "withdrawn_at", "withdrawn_reason"])
    case_services.case_event_record(case=screening.case, kind=move.event, actor=actor)
    return screening


# From answers to needs


def _proposal_move(proposal, name, actor, version):
    """The one mover of a proposed need: who may, the version, from where (the table)."""
    require_case_access(actor, proposal.screening.case)
    check_version(proposal, version)
    return PROPOSAL_LIFECYCLE.check(PROPOSAL_LIFECYCLE[name], proposal, actor)


@transaction.atomic
def proposal_confirm(*, proposal, actor, version, description, child=None):
    """Confirm with the family a need the screening proposed: the need is recorded on the case, in the
    proposal's category, by the case services, and stays linked to the proposal."""
    proposal = lock(proposal)
    if proposal.status == NeedProposal.Status.CONFIRMED and is_repeated_edit(
        proposal, version=version, actor=actor
    ):
        return proposal
    move = _proposal_move(proposal, "confirm", actor, version)
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the need in the family's words.")})
    if child is not None and not proposal.screening.children.filter(pk=child.pk).exists():
        raise ValidationError({"child": _("Choose a child the screening is about, or the household.")})
    need = case_services.need_add(
        case=proposal.screening.case,
        actor=actor,
        category=proposal.category,
        description=description.strip(),
        child=child,
    )
    PROPOSAL_LIFECYCLE.apply(move, proposal, now=timezone.now())
    proposal.need = need
    return save_tracked(proposal, actor, update_fields=["status", "need", "decided_at"])


@transaction.atomic
def proposal_dismiss(*, proposal, actor, version, reason, note=""):
    """Dismiss a proposed need with a reason (a note too when the reason is "other"); no need is made."""
    proposal = lock(proposal)
    if (
        proposal.status == NeedProposal.Status.DISMISSED
        and proposal.dismiss_reason == reason
        and is_repeated_edit(proposal, version=version, actor=actor)
    ):
        return proposal
    move = _proposal_move(proposal, "dismiss", actor, version)
    if reason not in NeedProposal.DismissReason.values:
        raise ValidationError({"reason": _("Say why the proposed need is dismissed.")})
    note = (note or "").strip()
    if reason == NeedProposal.DismissReason.OTHER and not note:
        raise ValidationError({"note": _("Say why, in a few words.")})
    PROPOSAL_LIFECYCLE.apply(move, proposal, now=timezone.now())
    proposal.dismiss_reason = reason
    proposal.dismiss_note = note
    save_tracked(proposal, actor, update_fields=["status", "dismiss_reason", "dismiss_note", "decided_at"])
    # The note is the coordinator's own words; the kind says what happened.
    case_services.case_event_record(case=proposal.screening.case, kind=move.event, actor=actor, note=note)
    return proposal
