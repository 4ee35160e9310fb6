"""Staff pages for referrals and appointments. Thin: parse, call a service, render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecoord.web import PAGE_SIZE, current_values, run_form, staff_required
from cases.models import Need
from cases.permissions import cases_visible_to

from . import services
from .forms import ReferralForm, ReferralStatusForm
from .models import Referral, Service
from .permissions import referrals_visible_to
from .transitions import LINK_OPEN, referral_next_statuses


@staff_required
def referral_list(request):
    """Referrals of the user's teams; open ones by default, or by status."""
    status = request.GET.get("status", "open")
    referrals = referrals_visible_to(request.user).with_listing().with_durations()
    if request.GET.get("mine") == "1":
        referrals = referrals.filter(case__coordinator=request.user)
    referrals = (
        referrals.open() if status == "open" else referrals.filter(status=status) if status else referrals
    )
    page = Paginator(referrals.order_by("requested_at", "-created_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "status": status, "statuses": Referral.Status.choices}
    return render(request, "referrals/referral_list.html", context)


@staff_required
def referral_new(request):
    """Refer a need (``?need=``) to a directory service (``?service=``) or a named outside provider."""
    need = get_object_or_404(
        Need.objects.filter(case__in=cases_visible_to(request.user)).select_related(
            "case__family", "category", "child"
        ),
        uuid=request.GET.get("need") or None,
    )
    services_offered = Service.objects.listed().select_related("organization").order_by("name")
    initial = {
        "service": services_offered.filter(uuid=request.GET.get("service")).first()
        if request.GET.get("service")
        else None
    }
    form = ReferralForm(request.POST or None, services=services_offered, initial=initial)
    consent = {"missing": False}

    def run(data):
        try:
            return services.referral_create(need=need, actor=request.user, **data)
        except services.ConsentMissing:
            consent["missing"] = True
            raise

    referral, _stale = run_form(request, form, run)
    if referral:
        messages.success(
            request,
            _("Referral sent.")
            if referral.status == Referral.Status.REQUESTED
            else _("Referral saved as a draft."),
        )
        return redirect("referrals:referral-detail", referral.uuid)
    context = {"need": need, "case": need.case, "form": form, "consent_missing": consent["missing"]}
    return render(request, "referrals/referral_form.html", context)


def _referral(request, uuid):
    return get_object_or_404(referrals_visible_to(request.user).with_listing().with_durations(), uuid=uuid)


@staff_required
def referral_detail(request, uuid):
    referral = _referral(request, uuid)
    link = request.build_absolute_uri(
        reverse("referrals:organization-link", args=[services.referral_link_token(referral)])
    )
    context = {
        "referral": referral,
        "case": referral.case,
        "events": referral.events.select_related("actor"),
        "appointments": referral.appointments.select_related("child"),
        "status_form": ReferralStatusForm(
            choices=referral_next_statuses(referral.status), initial={"version": referral.version}
        ),
        "organization_link": link if referral.status in LINK_OPEN else "",
    }
    return render(request, "referrals/referral_detail.html", context)


@staff_required
def referral_status(request, uuid):
    referral = _referral(request, uuid)
    form = ReferralStatusForm(request.POST or None, choices=referral_next_statuses(referral.status))

    def run(data):
        return services.referral_transition(
            referral=referral,
            to=data["status"],
            actor=request.user,
            note=data["note"],
            version=data["version"],
        )

    result, stale = run_form(request, form, run)
    if result:
        messages.success(request, _("Referral updated."))
        return redirect("referrals:referral-detail", referral.uuid)
    context = {
        "referral": referral,
        "case": referral.case,
        "form": form,
        "title": _("Change the referral status"),
        "stale": stale,
        "current": current_values(form, stale) if stale else None,
    }
    return render(request, "referrals/referral_part_form.html", context)


@staff_required
@require_POST
def referral_link_revoke(request, uuid):
    referral = _referral(request, uuid)
    services.referral_link_revoke(referral=referral, actor=request.user)
    messages.success(request, _("The old link no longer works. Share the new one."))
    return redirect("referrals:referral-detail", referral.uuid)
