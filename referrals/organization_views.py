"""The receiving organization's pages, reached through a signed link without an account."""

from auditlog.signals import accessed
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from carecoord.text import digits_only
from carecoord.web import private

from .models import Referral
from .organization_forms import ORGANIZATION_FORMS
from .services import (
    LinkRefused,
    organization_answer,
    organization_propose_appointment,
    referral_from_token,
)
from .transitions import referral_can_move

# Gone for links that once worked; not found for anything we never signed.
REFUSED_STATUS = {"expired": 410, "revoked": 410, "closed": 410, "invalid": 404}


@never_cache
@private
@csrf_protect
def organization_link(request, token):
    """The organization reads the minimum about one referral and answers it; the token is its only key."""
    try:
        referral = referral_from_token(token)
    except LinkRefused as refused:
        context = {"reason": refused.reason, "center": settings.CARECOORD_CENTER_NAME}
        return render(
            request,
            "referrals/organization_link_refused.html",
            context,
            status=REFUSED_STATUS[refused.reason],
        )
    forms = {action: form_class(prefix=action) for action, form_class in ORGANIZATION_FORMS.items()}
    action = request.POST.get("action")
    if request.method == "POST" and action in forms:
        forms[action] = ORGANIZATION_FORMS[action](request.POST, prefix=action)
        if _answer(referral, action, forms[action]):
            messages.success(request, _("Thank you — the coordinator has been told."))
            return redirect("referrals:organization-link", token=token)
    accessed.send(sender=Referral, instance=referral)
    return render(request, "referrals/organization_link.html", _context(referral, forms))


def _answer(referral, action, form):
    """Call the service for one answer; whatever it refuses lands on the form."""
    if not form.is_valid():
        return False
    try:
        if action == "propose":
            organization_propose_appointment(referral=referral, **form.cleaned_data)
        else:
            organization_answer(referral=referral, answer=action, note=form.cleaned_data["note"])
    except ValidationError as error:
        errors = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.error_list}
        for field, field_errors in errors.items():
            form.add_error(field if field in form.fields else None, field_errors)
        return False
    return True


def _context(referral, forms):
    """Only what the organization needs: nothing else about the family reaches the template."""
    case = referral.case
    phone = case.coordinator.phone or case.team.phone
    # The child a proposed appointment is booked for (organization_propose_appointment's rule).
    child = referral.need.child or case.children.order_by("date_of_birth").first()
    return {
        "child_first_name": child.first_name if child else "",
        "child_age": child.age if child else None,
        "category": referral.need.category,
        "need_description": referral.need.description,
        "note": referral.note,
        "service_name": referral.service.name if referral.service_id else referral.outside_provider,
        "organization_name": referral.service.organization.name if referral.service_id else "",
        "status": referral.get_status_display(),
        "coordinator_name": str(case.coordinator),
        "coordinator_phone": phone,
        "coordinator_phone_digits": digits_only(phone),
        "forms": forms,
        "can_accept": referral_can_move(referral.status, Referral.Status.ACCEPTED),
        "can_decline": referral_can_move(referral.status, Referral.Status.REJECTED),
    }
