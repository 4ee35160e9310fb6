"""The receiving organization's pages, reached through a signed link without an account."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from audit.record import note
from carecoord.text import digits_only
from carecoord.web import private, run_form

from .models import Referral
from .organization_forms import (
    ORGANIZATION_FORMS,
    CancelAppointmentForm,
    ChangeAppointmentForm,
)
from .services import (
    ORGANIZATION_APPOINTMENT_FIELDS,
    LinkRefused,
    organization_answer,
    organization_appointment_cancel,
    organization_appointment_update,
    organization_booked_appointment,
    organization_propose_appointment,
    referral_from_token,
)
from .transitions import referral_can_move

# Gone for links that once worked; not found for anything we never signed.
REFUSED_STATUS = {"expired": 410, "revoked": 410, "closed": 410, "invalid": 404}
# Answers about the appointment the organization booked: offered only while it is booked.
APPOINTMENT_ACTIONS = ("change", "cancel")


@never_cache
@private
@csrf_protect
def organization_link(request, token):
    """The organization reads the minimum about one referral and answers it; the token is its only key."""
    try:
        referral = referral_from_token(token)
    except LinkRefused as refused:
        context = {
            "reason": refused.reason,
            "filled_elsewhere": refused.reason_code == Referral.ReasonCode.FILLED_ELSEWHERE,
            "center": settings.CARECOORD_CENTER_NAME,
        }
        return render(
            request,
            "referrals/organization_link_refused.html",
            context,
            status=REFUSED_STATUS[refused.reason],
        )
    booked = organization_booked_appointment(referral)
    forms = _forms(referral, booked)
    action = request.POST.get("action")
    if request.method == "POST" and action in forms:
        forms[action] = ORGANIZATION_FORMS[action](request.POST, prefix=action)
        done, _stale = run_form(request, forms[action], partial(_answer, referral, action, booked))
        if done:
            messages.success(request, _("Thank you — the coordinator has been told."))
            return redirect("referrals:organization-link", token=token)
    note(request, referral, role="organization")
    return render(request, "referrals/organization_link.html", _context(referral, forms, booked))


def _forms(referral, booked):
    """Every answer's empty form, at the referral's version; the change and cancel forms (at the
    appointment's version) only while an appointment is booked."""
    forms = {
        action: form_class(prefix=action, initial={"version": referral.version})
        for action, form_class in ORGANIZATION_FORMS.items()
        if action not in APPOINTMENT_ACTIONS
    }
    if booked is not None:
        forms["change"] = ChangeAppointmentForm(
            prefix="change",
            initial={
                "start": timezone.localtime(booked.start).replace(tzinfo=None),
                "version": booked.version,
                **{
                    name: getattr(booked, name) for name in ORGANIZATION_APPOINTMENT_FIELDS if name != "start"
                },
            },
        )
        forms["cancel"] = CancelAppointmentForm(prefix="cancel", initial={"version": booked.version})
        del forms["propose"]
    return forms


def _answer(referral, action, booked, data):
    """Call the service for one answer (``run_form`` puts whatever it refuses on the form)."""
    if action == "propose":
        return organization_propose_appointment(referral=referral, **data)
    if action == "change":
        return organization_appointment_update(referral=referral, appointment=booked, **data)
    if action == "cancel":
        return organization_appointment_cancel(referral=referral, appointment=booked, **data)
    return organization_answer(referral=referral, answer=action, **data)


def _context(referral, forms, booked):
    """Only what the organization needs: nothing else about the family reaches the template."""
    case = referral.case
    family = case.family
    phone = case.coordinator.phone or case.team.phone
    child = referral.child
    return {
        "child_first_name": child.first_name if child else "",
        "child_age": child.age if child else None,
        "family_language": family.language_label,
        "interpreter_needed": family.interpreter_needed,
        "category": referral.need.category,
        "need_description": referral.need.description,
        "note": referral.note,
        "acknowledge_due": referral.acknowledge_due,
        "outcome_due": referral.outcome_due,
        "acknowledged": referral.acknowledged_at is not None,
        "service_name": referral.service.name if referral.service_id else referral.outside_provider,
        "organization_name": referral.service.organization.name if referral.service_id else "",
        "status": referral.get_status_display(),
        "coordinator_name": str(case.coordinator),
        "coordinator_phone": phone,
        "coordinator_phone_digits": digits_only(phone),
        "forms": forms,
        "booked": booked,
        "can_accept": referral_can_move(referral.status, Referral.Status.ACCEPTED),
        "can_decline": referral_can_move(referral.status, Referral.Status.REJECTED),
    }
