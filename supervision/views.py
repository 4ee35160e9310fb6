"""The supervisors' pages: thin views over the overview, the reports and the services."""

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import teams_led_by
from audit.models import AccessEvent
from audit.record import Action, get_noted_or_404, note
from carecoord.replica import reads_from_replica
from carecoord.spreadsheets import SafeWriter
from carecoord.web import PAGE_SIZE, run_form, supervisor_required
from cases import services as case_services
from cases.models import CaseEvent, Child, EmergencyAccess

from . import access_history, services
from .forms import CoordinatorFilterForm, ReassignForm, ReportFilterForm, ReviewForm
from .overview import (
    MEASURES,
    MEASURES_BY_KEY,
    overdue_tasks,
    overview_counts,
    overview_rows,
    overview_totals,
    supervised_cases,
    waiting_referrals,
)
from .permissions import cases_supervised_by, families_supervised_by, people_supervised_by
from .precompute import cached_reports
from .reports import REPORTS, build_report, build_reports

# The latest emergency grants shown above a household's access history.
EMERGENCY_GRANTS_SHOWN = 20

LIST_URLS = {
    "cases": "supervision:case-list",
    "tasks": "supervision:task-list",
    "referrals": "supervision:referral-list",
    "closures": "supervision:closure-queue",
}


def _list_url(measure, person=None):
    query = {"measure": measure.key} if measure.list_kind == "cases" else {}
    if person is not None:
        query["coordinator"] = person.uuid
    url = reverse(LIST_URLS[measure.list_kind])
    return f"{url}?{urlencode(query)}" if query else url


def _safe_next(request, target):
    """``target`` when it is a path on this site; anything else (``redirect`` would read "on" as a URL
    name and fail) is None."""
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return None


@supervisor_required
@reads_from_replica
def overview(request):
    """The supervisor's home: one row per coordinator of the led teams, each number a link."""
    counts = overview_counts(request.user)
    people = overview_rows(request.user, counts=counts)
    totals = overview_totals(request.user, counts=counts)
    rows = [
        {
            "person": person,
            "cells": [
                (measure, getattr(person, measure.key), _list_url(measure, person)) for measure in MEASURES
            ],
        }
        for person in people
    ]
    total = [(measure, totals[measure.key], _list_url(measure)) for measure in MEASURES]
    context = {"rows": rows, "total": total, "measures": MEASURES, "teams": teams_led_by(request.user)}
    return render(request, "supervision/overview.html", context)


def _filtered_person(request, filters):
    """The coordinator a list is filtered on, when it is one the user supervises."""
    uuid = filters.value("coordinator")
    return people_supervised_by(request.user).filter(uuid=uuid).first() if uuid else None


@supervisor_required
def case_list(request):
    """The cases behind one number of the overview, with the bulk reassignment form."""
    filters = CoordinatorFilterForm(request.GET)
    measure = MEASURES_BY_KEY[filters.value("measure", "open")]
    cases = supervised_cases(request.user, measure.key).with_summary()
    person = _filtered_person(request, filters)
    if filters.value("coordinator"):
        cases = cases.filter(coordinator__uuid=filters.value("coordinator"))
    order = {
        "no_contact": [F("last_contact_at").asc(nulls_first=True)],
        "not_reviewed": [F("reviewed_at").asc(nulls_first=True), "opened_at"],
    }.get(measure.key, ["-urgent", "opened_at"])
    cases = cases.order_by(*order, "pk").prefetch_related(
        Prefetch("children", queryset=Child.objects.order_by("date_of_birth"))
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    form = ReassignForm(user=request.user, initial={"next": request.get_full_path()})
    note(request, action=Action.LIST, rows=page.paginator.count)
    context = {"page": page, "measure": measure, "form": form, "person": person}
    return render(request, "supervision/case_list.html", context)


@supervisor_required
def task_list(request):
    """Overdue tasks on the open cases of the led teams, oldest first."""
    filters = CoordinatorFilterForm(request.GET)
    tasks = overdue_tasks(request.user).select_related("case__family", "case__program", "assignee")
    if filters.value("coordinator"):
        tasks = tasks.filter(assignee__uuid=filters.value("coordinator"))
    page = Paginator(tasks.order_by("due_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    note(request, action=Action.LIST, rows=page.paginator.count)
    context = {"page": page, "person": _filtered_person(request, filters), "today": timezone.localdate()}
    return render(request, "supervision/task_list.html", context)


@supervisor_required
def referral_list(request):
    """Referrals past their acknowledgement date and still not accepted or declined, the oldest due first."""
    filters = CoordinatorFilterForm(request.GET)
    today = timezone.localdate()
    referrals = waiting_referrals(request.user, today).with_listing()
    if filters.value("coordinator"):
        referrals = referrals.filter(case__coordinator__uuid=filters.value("coordinator"))
    page = Paginator(referrals.order_by("acknowledge_due", "requested_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Calendar days since the due date: the due date itself was counted in business days.
    page.object_list = list(page.object_list)
    for referral in page.object_list:
        referral.days_late = (today - referral.acknowledge_due).days
    note(request, action=Action.LIST, rows=page.paginator.count)
    context = {"page": page, "person": _filtered_person(request, filters)}
    return render(request, "supervision/referral_list.html", context)


@supervisor_required
def closure_queue(request):
    """Cases waiting for closure approval, the longest waiting first."""
    filters = CoordinatorFilterForm(request.GET)
    cases = supervised_cases(request.user, "closures").select_related("family", "program", "coordinator")
    if filters.value("coordinator"):
        cases = cases.filter(coordinator__uuid=filters.value("coordinator"))
    page = Paginator(cases.order_by("closure_requested_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    note(request, action=Action.LIST, rows=page.paginator.count)
    context = {"page": page, "person": _filtered_person(request, filters)}
    return render(request, "supervision/closure_queue.html", context)


@supervisor_required
def reassign(request):
    """Reassign one or many cases of the led teams to a coordinator, with a reason."""
    initial = {"cases": request.GET.getlist("cases"), "next": request.GET.get("next", "")}
    form = ReassignForm(request.POST or None, user=request.user, initial=initial)

    def run(data):
        return services.cases_reassign(
            cases=list(data["cases"]),
            # The version of each case as the page listed it.
            versions={
                key.removeprefix("version-"): value
                for key, value in request.POST.items()
                if key.startswith("version-")
            },
            coordinator=data["coordinator"],
            reason=data["reason"],
            actor=request.user,
        )

    reassigned, _stale = run_form(request, form, run)
    if reassigned:
        coordinator = form.cleaned_data["coordinator"]
        messages.success(
            request,
            ngettext(
                "%(count)d case reassigned to %(coordinator)s.",
                "%(count)d cases reassigned to %(coordinator)s.",
                len(reassigned),
            )
            % {"count": len(reassigned), "coordinator": coordinator},
        )
        return redirect(_safe_next(request, form.cleaned_data.get("next")) or "supervision:overview")
    chosen = request.POST.getlist("cases") if request.method == "POST" else initial["cases"]
    selected = form.fields["cases"].queryset.filter(uuid__in=_uuids(chosen)).order_by("family__name", "pk")
    return render(request, "supervision/reassign.html", {"form": form, "selected": selected})


def _uuids(values):
    """The well-formed UUIDs among ``values``; anything else is ignored."""
    found = []
    for value in values:
        try:
            found.append(UUID(value))
        except ValueError:
            continue
    return found


@supervisor_required
def case_review(request, uuid):
    """Leave a review note on a case; the coordinator reads it on the timeline."""
    case = get_noted_or_404(request, cases_supervised_by(request.user).with_summary(), uuid=uuid)
    form = ReviewForm(
        request.POST or None, initial={"next": request.GET.get("next", ""), "version": case.version}
    )

    def run(data):
        return case_services.case_review(
            case=case, actor=request.user, note=data["note"], version=data["version"]
        )

    reviewed, _stale = run_form(request, form, run)
    if reviewed:
        messages.success(request, _("Review recorded."))
        return redirect(
            _safe_next(request, form.cleaned_data.get("next"))
            or reverse("cases:case-detail", args=[case.uuid])
        )
    reviews = (
        case.events.filter(kind=CaseEvent.Kind.REVIEWED).select_related("actor").order_by("-at", "-id")[:5]
    )
    return render(request, "supervision/case_review.html", {"case": case, "form": form, "reviews": reviews})


@supervisor_required
@reads_from_replica
def reports(request):
    """Outcome reports for a date range, per team or per program, with charts and CSV downloads."""
    form = ReportFilterForm(request.GET, user=request.user)
    built, query, computed_at = [], "", None
    if form.is_valid():
        parameters = form.parameters()
        found = cached_reports(parameters)
        built, computed_at = (
            found if found is not None else (build_reports(parameters, precomputed=False), None)
        )
        query = urlencode({name: value for name, value in parameters.as_record().items() if value})
    context = {"form": form, "reports": built, "query": query, "computed_at": computed_at}
    return render(request, "supervision/reports.html", context)


@supervisor_required
@reads_from_replica
def report_csv(request, name):
    """One report as CSV, the same rows as its table on the page; the download is recorded."""
    if name not in REPORTS:
        raise Http404
    form = ReportFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(error for errors in form.errors.values() for error in errors))
    parameters = form.parameters()
    report = build_report(name, parameters)
    if report is None:
        raise Http404
    services.report_download_record(user=request.user, report=name, parameters=parameters.as_record())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{name}-{parameters.start:%Y%m%d}-{parameters.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    rows = report.table()
    SafeWriter(response).writerows(rows)
    note(request, action=Action.EXPORT, rows=len(report.rows))
    return response


@supervisor_required
def family_access(request, uuid):
    """Who opened, listed or changed this household's records, when and from where; emergency grants first."""
    family = get_noted_or_404(request, families_supervised_by(request.user).select_related("team"), uuid=uuid)
    events = AccessEvent.objects.for_family(family.pk).select_related("user")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.page_label = access_history.page_label(event.view)
        event.record_label = access_history.record_label(event.object_type)
        event.role_label = access_history.role_label(event.role)
    grants = (
        EmergencyAccess.objects.filter(case__family=family)
        .select_related("user", "case__team")
        .order_by("-started_at")[:EMERGENCY_GRANTS_SHOWN]
    )
    context = {"family": family, "page": page, "grants": grants, "now": timezone.now()}
    return render(request, "supervision/family_access.html", context)
