"""The coordinator's screening pages: administer an instrument, send it to the portal, read the answers,
confirm or dismiss the needs they propose. Thin: parse, call a service, render."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.record import get_noted_or_404, note
from carecoord.services import StaleEdit
from carecoord.web import add_service_error, run_form, staff_required, uuid_or_404
from cases.forms import ReasonForm
from cases.permissions import cases_visible_to

from . import services
from .forms import (
    AnswersForm,
    ProposalConfirmForm,
    ProposalDismissForm,
    ScreeningStartForm,
    SendForm,
    family_language,
    saved_answers,
)
from .models import Instrument, Screening
from .permissions import proposals_visible_to, screenings_visible_to
from .selectors import proposal_answers, screening_page


def _case(request, uuid):
    return get_noted_or_404(
        request, cases_visible_to(request.user).select_related("family", "program", "coordinator"), uuid=uuid
    )


def _screening(request, uuid):
    return get_noted_or_404(
        request,
        screenings_visible_to(request.user).select_related(
            "instrument", "case__family", "case__coordinator", "respondent", "updated_by"
        ),
        uuid=uuid,
    )


def _instrument(uuid):
    return get_object_or_404(
        Instrument.objects.filter(active=True).prefetch_related("questions__options"), uuid=uuid_or_404(uuid)
    )


def errors_to(forms, error):
    """A service's refusal on the form that has the field it names (the first form for the others)."""
    if not hasattr(error, "error_dict"):
        add_service_error(forms[0], error)
        return
    for field, errors in error.error_dict.items():
        form = next((form for form in forms if field in form.fields), forms[0])
        add_service_error(form, ValidationError({field: errors}))


def _language(form, default):
    """The language the questions are shown in: the one chosen on the form, else ``default``."""
    chosen = form.data.get(form.add_prefix("language")) if form.is_bound else None
    return chosen if chosen in dict(settings.LANGUAGES) else default


@staff_required
def screening_new(request, uuid):
    """Screen the family on the case: choose the instrument, then who answers, how, and the answers."""
    case = _case(request, uuid)
    if not request.GET.get("instrument"):
        instruments = (
            Instrument.objects.filter(active=True)
            .annotate(question_count=Count("questions"))
            .order_by("position", "code")
        )
        return render(request, "screening/instrument_choice.html", {"case": case, "instruments": instruments})
    instrument = _instrument(request.GET["instrument"])
    asked = request.GET.get("language")
    asked = asked if asked in dict(settings.LANGUAGES) else family_language(case.family)
    start = ScreeningStartForm(request.POST or None, case=case, language=asked)
    language = _language(start, asked)
    answers = AnswersForm(request.POST or None, instrument=instrument, language=language, prefix="answers")
    if request.method == "POST" and start.is_valid() and answers.is_valid():
        data = start.cleaned_data
        finish = "finish" in request.POST
        try:
            screening = services.screening_administer(
                case=case,
                instrument=instrument,
                respondent=data["respondent"],
                children=list(data["children"]),
                mode=data["mode"],
                language=data["language"],
                interpreter_used=data["interpreter_used"],
                interpreter=data["interpreter"],
                answers=answers.answers(),
                finish=finish,
                actor=request.user,
            )
        except ValidationError as error:
            errors_to([start, answers], error)
        else:
            return _answered(request, screening, finish)
    context = {
        "case": case,
        "instrument": instrument,
        "start": start,
        "answers": answers,
        "language": language,
        "introduction": instrument.introduction_for(case.children.order_by("date_of_birth"), language),
    }
    return render(request, "screening/screening_form.html", context)


def _answered(request, screening, finish):
    if finish:
        messages.success(request, _("Screening completed."))
    else:
        messages.success(request, _("Answers saved. Finish the screening from the case when you can."))
    return redirect("screening:screening-detail", screening.uuid)


@staff_required
def screening_answers(request, uuid):
    """Go on with a screening a coordinator started: the saved answers, to change, save or finish."""
    screening = _screening(request, uuid)
    if screening.mode == Screening.Mode.PORTAL or not screening.is_pending:
        return redirect("screening:screening-detail", screening.uuid)
    instrument = Instrument.objects.prefetch_related("questions__options").get(pk=screening.instrument_id)
    answers = AnswersForm(
        request.POST or None,
        instrument=instrument,
        language=screening.language,
        saved=saved_answers(screening),
        prefix="answers",
    )
    version = screening.version
    if request.method == "POST" and answers.is_valid():
        finish = "finish" in request.POST
        try:
            services.screening_answers_save(
                screening=screening,
                actor=request.user,
                version=request.POST.get("version"),
                answers=answers.answers(),
                finish=finish,
            )
        except StaleEdit as error:
            answers.add_error(None, error.message)
            version = error.instance.version
        except ValidationError as error:
            errors_to([answers], error)
        else:
            return _answered(request, screening, finish)
    context = {
        "case": screening.case,
        "screening": screening,
        "instrument": instrument,
        "answers": answers,
        "language": screening.language,
        "version": version,
        "introduction": instrument.introduction_for(
            screening.children.order_by("date_of_birth"), screening.language
        ),
    }
    return render(request, "screening/screening_form.html", context)


@staff_required
def screening_send(request, uuid):
    """Send questions to a caregiver's family portal, where they wait as a task for them alone."""
    case = _case(request, uuid)
    form = SendForm(request.POST or None, case=case)

    def run(data):
        return services.screening_send(
            case=case,
            instrument=data["instrument"],
            respondent=data["respondent"],
            children=list(data["children"]),
            actor=request.user,
        )

    screening, _stale = run_form(request, form, run)
    if screening:
        messages.success(
            request,
            _("The questions are waiting in %(caregiver)s's portal.")
            % {"caregiver": screening.respondent.first_name},
        )
        return redirect("screening:screening-detail", screening.uuid)
    return render(request, "screening/send_form.html", {"case": case, "form": form})


@staff_required
def screening_detail(request, uuid):
    """One screening: who answered what, each domain's result with its codes, and the proposed needs."""
    screening = _screening(request, uuid)
    return render(request, "screening/screening_detail.html", screening_page(screening))


@staff_required
def screening_withdraw(request, uuid):
    """Withdraw a screening still waiting for answers, with a reason."""
    screening = _screening(request, uuid)
    form = ReasonForm(request.POST or None, initial={"version": screening.version})

    def run(data):
        return services.screening_withdraw(
            screening=screening, actor=request.user, reason=data["reason"], version=data["version"]
        )

    withdrawn, _stale = run_form(request, form, run)
    if withdrawn:
        messages.success(request, _("Screening withdrawn."))
        return redirect(reverse("cases:case-detail", args=[screening.case.uuid]) + "#screening")
    return render(request, "screening/withdraw_form.html", {"screening": screening, "form": form})


def _proposal(request, uuid):
    proposal = get_object_or_404(
        proposals_visible_to(request.user).select_related(
            "screening__case__family", "screening__instrument", "result__domain", "category"
        ),
        uuid=uuid,
    )
    note(request, proposal.screening)
    return proposal


@staff_required
def proposal_confirm(request, uuid):
    """Confirm with the family the need a screening proposed: it joins the case's needs."""
    proposal = _proposal(request, uuid)
    form = ProposalConfirmForm(request.POST or None, proposal=proposal)

    def run(data):
        return services.proposal_confirm(
            proposal=proposal,
            actor=request.user,
            version=data["version"],
            description=data["description"],
            child=data["child"],
        )

    confirmed, _stale = run_form(request, form, run)
    if confirmed:
        messages.success(request, _("Need added to the case."))
        return redirect("screening:screening-detail", proposal.screening.uuid)
    context = {"proposal": proposal, "form": form, "confirm": True, "answers": proposal_answers(proposal)}
    return render(request, "screening/proposal_form.html", context)


@staff_required
def proposal_dismiss(request, uuid):
    """Dismiss a proposed need with a reason: it never becomes a need."""
    proposal = _proposal(request, uuid)
    form = ProposalDismissForm(request.POST or None, proposal=proposal)

    def run(data):
        return services.proposal_dismiss(
            proposal=proposal,
            actor=request.user,
            version=data["version"],
            reason=data["reason"],
            note=data["note"],
        )

    dismissed, _stale = run_form(request, form, run)
    if dismissed:
        messages.success(request, _("Proposed need dismissed."))
        return redirect("screening:screening-detail", proposal.screening.uuid)
    context = {"proposal": proposal, "form": form, "confirm": False, "answers": proposal_answers(proposal)}
    return render(request, "screening/proposal_form.html", context)
