"""Staff pages for appointments: booking, editing, recording what happened. Thin: parse, call, render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.record import get_noted_or_404
from carecoord.web import current_values, run_form, staff_required, uuid_or_404
from cases.permissions import cases_visible_to

from . import appointments as services
from .appointment_forms import AppointmentForm, AppointmentOutcomeForm
from .permissions import appointments_visible_to, referrals_visible_to


def _referral(request, uuid):
    return get_noted_or_404(
        request, referrals_visible_to(request.user).with_listing().with_durations(), uuid=uuid
    )


def _appointment_target(request):
    """The case (and referral) a new appointment is booked on, from ``?referral=`` or ``?case=``."""
    if request.GET.get("referral"):
        referral = _referral(request, uuid_or_404(request.GET["referral"]))
        return referral.case, referral
    case = get_noted_or_404(
        request,
        cases_visible_to(request.user).select_related("family"),
        uuid=uuid_or_404(request.GET.get("case")),
    )
    return case, None


@staff_required
def appointment_new(request):
    case, referral = _appointment_target(request)
    initial = {}
    if referral:
        initial = {
            "child": referral.need.child,
            "provider": referral.service.organization.name
            if referral.service_id
            else referral.outside_provider,
        }
    form = AppointmentForm(request.POST or None, family=case.family, initial=initial)

    def run(data):
        return services.appointment_create(
            case=case, referral=referral, actor=request.user, **form.service_fields()
        )

    appointment, _stale = run_form(request, form, run)
    if appointment:
        messages.success(request, _("Appointment booked."))
        return redirect(reverse("cases:case-detail", args=[case.uuid]) + "#appointments")
    return render(
        request,
        "referrals/referral_part_form.html",
        {"case": case, "form": form, "title": _("Book an appointment")},
    )


def _appointment(request, uuid):
    appointment = get_noted_or_404(
        request,
        appointments_visible_to(request.user).select_related("child__family", "case", "referral"),
        uuid=uuid,
    )
    if appointment.case_id and not cases_visible_to(request.user).filter(pk=appointment.case_id).exists():
        raise Http404
    return appointment


@staff_required
def appointment_edit(request, uuid):
    appointment = _appointment(request, uuid)
    form = AppointmentForm(request.POST or None, instance=appointment, family=appointment.child.family)

    def run(data):
        return services.appointment_update(
            appointment=appointment, actor=request.user, version=data["version"], **form.service_fields()
        )

    result, stale = run_form(request, form, run)
    if result:
        messages.success(request, _("Appointment saved."))
        return redirect(reverse("cases:case-detail", args=[appointment.case.uuid]) + "#appointments")
    context = {
        "case": appointment.case,
        "form": form,
        "title": _("Edit appointment"),
        "stale": stale,
        "current": current_values(form, stale) if stale else None,
    }
    return render(request, "referrals/referral_part_form.html", context)


@staff_required
def appointment_outcome(request, uuid):
    """Attended, missed or cancelled, or a correction of what was recorded; attended can complete the referral
    and meet the need. A stale form is refused with the current values; the same form sent twice shows the
    saved result."""
    appointment = _appointment(request, uuid)
    form = AppointmentOutcomeForm(request.POST or None, appointment=appointment)

    def run(data):
        return services.appointment_set_status(
            appointment=appointment, actor=request.user, **form.service_fields()
        )

    result, stale = run_form(request, form, run)
    if result:
        messages.success(
            request, _("Appointment updated: %(status)s.") % {"status": result.get_status_display()}
        )
        if appointment.case_id:
            return redirect(reverse("cases:case-detail", args=[appointment.case.uuid]) + "#appointments")
        return redirect(reverse("referrals:appointment-outcome", args=[appointment.uuid]))
    if stale:
        appointment = stale
    context = {
        "case": appointment.case,
        "referral": appointment.referral,
        "appointment": appointment,
        "form": form,
        "title": _("What happened at %(appointment)s?") % {"appointment": appointment},
        "stale": stale,
        "current": current_values(form, stale) if stale else None,
    }
    return render(request, "referrals/appointment_outcome.html", context)
