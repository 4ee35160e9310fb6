"""Staff pages for referrals and appointments. Thin: parse, call a service, render."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.record import Action, get_noted_or_404, note
from carecoord.paginators import CountingPaginator
from carecoord.web import PAGE_SIZE, current_values, run_form, run_move, staff_required, uuid_or_404
from cases.models import Need
from cases.permissions import cases_visible_to

from . import delivery, services
from .forms import ReferralForm, ReferralStatusForm, ResendForm
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
    page = CountingPaginator(referrals.order_by("requested_at", "-created_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    note(request, action=Action.LIST, rows=page.paginator.count)
    context = {"page": page, "status": status, "statuses": Referral.Status.choices}
    return render(request, "referrals/referral_list.html", context)


@staff_required
def referral_new(request):
    """Refer a need (``?need=``) to one to five directory services (``?service=``, repeated) or a named
    outside provider; the address the referral is emailed to is prefilled from the directory."""
    need = get_noted_or_404(
        request,
        Need.objects.filter(case__in=cases_visible_to(request.user)).select_related(
            "case__family", "category", "child"
        ),
        uuid=uuid_or_404(request.GET.get("need")),
    )
    services_offered = Service.objects.listed().select_related("organization").order_by("name")
    chosen = list(services_offered.filter(uuid__in=_uuids(request.GET.getlist("service"))))
    initial = {"service": chosen}
    if len(chosen) == 1:
        initial["sent_to"] = delivery.service_contact_email(chosen[0])
    form = ReferralForm(request.POST or None, services=services_offered, initial=initial)
    consent = {"missing": False}

    def run(data):
        try:
            return _create(need, request.user, data)
        except services.ConsentMissing:
            consent["missing"] = True
            raise

    referrals, _stale = run_form(request, form, run)
    if referrals:
        sent = referrals[0].status == Referral.Status.REQUESTED
        messages.success(request, _("Referral sent.") if sent else _("Referral saved as a draft."))
        return redirect("referrals:referral-detail", referrals[0].uuid)
    context = {"need": need, "case": need.case, "form": form, "consent_missing": consent["missing"]}
    return render(request, "referrals/referral_form.html", context)


def _uuids(values):
    """The well-formed UUIDs among ``values`` (a hand-typed address must not break the page)."""
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def _create(need, actor, data):
    """One referral per chosen service (a batch when several), or one to the outside provider."""
    sent_to = data["sent_to"] or None  # empty: the directory's address
    if data["service"]:
        return services.referral_create_batch(
            need=need,
            actor=actor,
            services=data["service"],
            note=data["note"],
            send=data["send"],
            sent_to=sent_to,
        )
    referral = services.referral_create(
        need=need,
        actor=actor,
        outside_provider=data["outside_provider"],
        outside_contact=data["outside_contact"],
        note=data["note"],
        send=data["send"],
        sent_to=sent_to,
    )
    return [referral]


def _referral(request, uuid):
    return get_noted_or_404(
        request, referrals_visible_to(request.user).with_listing().with_durations(), uuid=uuid
    )


@staff_required
def referral_detail(request, uuid):
    """The referral, its history and appointments; a POST sends it to the organization again."""
    referral = _referral(request, uuid)
    resend_form = ResendForm(
        request.POST or None,
        initial={
            "sent_to": referral.sent_to or delivery.referral_contact_email(referral),
            "version": referral.version,
        },
    )

    def run(data):
        return services.referral_resend(
            referral=referral, actor=request.user, sent_to=data["sent_to"], version=data["version"]
        )

    resent, _stale = run_form(request, resend_form, run)
    if resent:
        messages.success(
            request, _("The referral was sent again to %(address)s.") % {"address": resent.sent_to}
        )
        return redirect("referrals:referral-detail", referral.uuid)
    link = request.build_absolute_uri(
        reverse("referrals:organization-link", args=[services.referral_link_token(referral)])
    )
    batch = (
        Referral.objects.filter(batch=referral.batch)
        .exclude(pk=referral.pk)
        .select_related("service__organization")
        if referral.batch
        else Referral.objects.none()
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
        "resend_form": resend_form,
        "batch": batch,
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
            reason_code=data["reason_code"],
        )

    result, stale = run_move(request, form, run, record=referral)
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
    try:
        services.referral_link_revoke(
            referral=referral, actor=request.user, version=request.POST.get("version")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The old link no longer works. Share the new one."))
    return redirect("referrals:referral-detail", referral.uuid)
