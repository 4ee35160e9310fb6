"""Case pages: thin views that parse the request, call a service or a queryset, and render."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import CharField, Count, F, Prefetch, Q, Value
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from accounts.permissions import staff_visible_to
from audit.record import Action, get_noted_or_404, note
from carecoord.spreadsheets import SafeWriter
from carecoord.web import (
    PAGE_SIZE,
    current_values,
    run_form,
    run_move,
    saved_move,
    staff_required,
)

from . import emergency, services
from .closure import closure_blockers, closure_summary, upcoming_appointments
from .forms import (
    ActivityForm,
    CaregiverForm,
    CaseFilterForm,
    CaseForm,
    ChildForm,
    ClosureApproveForm,
    ClosureRequestForm,
    ClosureReturnForm,
    ConsentForm,
    EDVisitForm,
    EmergencyAccessForm,
    FamilyForm,
    GoalForm,
    NeedForm,
    NeedStatusForm,
    ReasonForm,
    ReopenForm,
    TaskForm,
)
from .middleware import remember as remember_emergency_grants
from .models import Activity, Caregiver, Case, CaseEvent, Child, Consent, EDVisit, Family, Goal, Need, Task
from .panels import case_panels, family_panels
from .permissions import (
    can_approve_closure,
    can_supervise_family,
    can_work_case,
    cases_visible_to,
    emergency_grants,
    families_visible_to,
    may_request_emergency_access,
)
from .transitions import need_next_statuses

TIMELINE_PAGE_SIZE = 15


# Caseload, search and export


def _caseload_queryset(request, filters):
    scope = request.GET.get("scope", "mine")
    cases = cases_visible_to(request.user).with_summary()
    if scope != "team":
        cases = cases.filter(coordinator=request.user)
    return filters.apply(cases), scope


@staff_required
def caseload(request):
    """The coordinator's open cases (or the team's), filtered, sorted and paginated."""
    filters = CaseFilterForm(request.GET)
    cases, scope = _caseload_queryset(request, filters)
    cases = cases.prefetch_related(Prefetch("children", queryset=Child.objects.order_by("date_of_birth")))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    note(request, action=Action.LIST, rows=page.paginator.count)
    context = {"page": page, "filters": filters, "scope": scope, "today": timezone.localdate()}
    template = "cases/caseload.html#results" if request.htmx else "cases/caseload.html"
    return render(request, template, context)


@staff_required
def caseload_export(request):
    """The caseload as CSV, with the same scope and filters as the page."""
    filters = CaseFilterForm(request.GET)
    cases, _scope = _caseload_queryset(request, filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="caseload.csv"'
    writer = SafeWriter(response)
    writer.writerow(
        [
            _("Family"),
            _("Program"),
            _("Status"),
            _("Urgent"),
            _("Coordinator"),
            _("Open needs"),
            _("Next task due"),
            _("Last contact"),
            _("Opened"),
        ]
    )
    rows = 0
    for case in cases.iterator(chunk_size=500):
        rows += 1
        writer.writerow(
            [
                case.family.name,
                case.program.name,
                case.get_status_display(),
                _("yes") if case.urgent else "",
                case.coordinator,
                case.open_need_count or 0,
                case.next_task_due or "",
                timezone.localtime(case.last_contact_at).date() if case.last_contact_at else "",
                timezone.localtime(case.opened_at).date(),
            ]
        )
    note(request, action=Action.EXPORT, rows=rows)
    return response


@staff_required
def search(request):
    """Families and children by name, phone, MRN or date of birth, within the user's teams."""
    query = request.GET.get("q", "").strip()
    families = Family.objects.none()
    if query:
        families = (
            families_visible_to(request.user)
            .search(query)
            .select_related("team")
            .prefetch_related("children", "caregivers")
            .annotate(open_cases=Count("cases", filter=~Q(cases__status=Case.Status.CLOSED)))
            .order_by("archived_at", "name", "pk")
        )
    page = Paginator(families, PAGE_SIZE).get_page(request.GET.get("page"))
    note(request, action=Action.SEARCH, rows=page.paginator.count if query else 0)
    template = "cases/search.html#results" if request.htmx else "cases/search.html"
    return render(request, template, {"page": page, "query": query})


# Intake and families


@staff_required
def intake(request):
    """One flow: a new family, its caregivers and children, a case and its first needs."""
    from .intake import IntakeFlow

    flow = IntakeFlow(request)
    if request.method == "POST" and not flow.apply_action() and flow.is_valid():
        case = flow.save_unless_duplicates()
        if case:
            messages.success(
                request, _("Intake recorded: case opened for %(family)s.") % {"family": case.family}
            )
            return redirect("cases:case-detail", case.uuid)
    return render(request, "cases/intake.html", flow.context())


def _family(request, uuid):
    return get_noted_or_404(request, families_visible_to(request.user).select_related("team"), uuid=uuid)


@staff_required
def family_detail(request, uuid):
    family = _family(request, uuid)
    cases = family.cases.select_related("program", "coordinator").order_by("closed_at", "-opened_at")
    context = {
        "family": family,
        "caregivers": family.caregivers.select_related("user"),
        "children": family.children.prefetch_related("ed_visits"),
        "consents": family.consents.all(),
        "cases": cases,
        "panels": family_panels(request, family),
        "today": timezone.localdate(),
        "can_see_access_history": can_supervise_family(request.user, family),
    }
    return render(request, "cases/family_detail.html", context)


def _family_form_page(request, family, form, run, title, success_message):
    result, stale = run_form(request, form, run)
    if result is not None:
        messages.success(request, success_message)
        return redirect("cases:family-detail", family.uuid)
    context = {"family": family, "form": form, "title": title, "stale": stale}
    if stale:
        context["current"] = current_values(form, stale)
    return render(request, "cases/family_part_form.html", context)


@staff_required
def family_edit(request, uuid):
    family = _family(request, uuid)
    # The form fills its own copy with what was typed; the page around it shows the family as saved.
    form = FamilyForm(request.POST or None, instance=copy.copy(family))

    def run(data):
        return services.family_update(
            family=family, actor=request.user, version=data["version"], **form.service_fields()
        )

    return _family_form_page(request, family, form, run, _("Edit family details"), _("Family details saved."))


@staff_required
def family_archive(request, uuid):
    family = _family(request, uuid)
    form = ReasonForm(request.POST or None, initial={"version": family.version})

    def run(data):
        return services.family_archive(
            family=family, actor=request.user, reason=data["reason"], version=data["version"]
        )

    return _family_form_page(request, family, form, run, _("Archive this family"), _("Family archived."))


@staff_required
@require_POST
def family_unarchive(request, uuid):
    family = _family(request, uuid)
    try:
        services.family_unarchive(family=family, actor=request.user, version=request.POST.get("version"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Family restored."))
    return redirect("cases:family-detail", family.uuid)


@staff_required
def caregiver_add(request, uuid):
    family = _family(request, uuid)
    form = CaregiverForm(request.POST or None)

    def run(data):
        return services.caregiver_add(family=family, actor=request.user, **form.service_fields())

    return _family_form_page(request, family, form, run, _("Add a caregiver"), _("Caregiver added."))


@staff_required
def caregiver_edit(request, uuid):
    caregiver = get_noted_or_404(
        request, Caregiver.objects.filter(family__in=families_visible_to(request.user)), uuid=uuid
    )
    form = CaregiverForm(request.POST or None, instance=caregiver)

    def run(data):
        return services.caregiver_update(
            caregiver=caregiver, actor=request.user, version=data["version"], **form.service_fields()
        )

    return _family_form_page(request, caregiver.family, form, run, _("Edit caregiver"), _("Caregiver saved."))


@staff_required
def child_add(request, uuid):
    family = _family(request, uuid)
    form = ChildForm(request.POST or None)

    def run(data):
        return services.child_add(family=family, actor=request.user, **form.service_fields())

    return _family_form_page(request, family, form, run, _("Add a child"), _("Child added."))


@staff_required
def child_edit(request, uuid):
    child = get_noted_or_404(
        request, Child.objects.filter(family__in=families_visible_to(request.user)), uuid=uuid
    )
    form = ChildForm(request.POST or None, instance=child)

    def run(data):
        return services.child_update(
            child=child, actor=request.user, version=data["version"], **form.service_fields()
        )

    return _family_form_page(request, child.family, form, run, _("Edit child"), _("Child saved."))


@staff_required
def consent_add(request, uuid):
    family = _family(request, uuid)
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})

    def run(data):
        return services.consent_record(family=family, actor=request.user, **data)

    return _family_form_page(request, family, form, run, _("Record consent"), _("Consent recorded."))


@staff_required
def consent_withdraw(request, uuid):
    consent = get_noted_or_404(
        request, Consent.objects.filter(family__in=families_visible_to(request.user)), uuid=uuid
    )
    form = ReasonForm(request.POST or None, initial={"version": consent.version})

    def run(data):
        return services.consent_withdraw(
            consent=consent, actor=request.user, reason=data["reason"], version=data["version"]
        )

    return _family_form_page(
        request, consent.family, form, run, _("Withdraw consent"), _("Consent withdrawn.")
    )


@staff_required
def case_open(request, uuid):
    family = _family(request, uuid)
    staff = staff_visible_to(request.user).filter(teams=family.team)
    initial = {"coordinator": request.user if request.user.is_coordinator else None}
    form = CaseForm(request.POST or None, family=family, staff=staff, initial=initial)

    def run(data):
        fields = form.service_fields()
        return services.case_open(family=family, actor=request.user, **fields)

    case, _stale = run_form(request, form, run)
    if case:
        messages.success(request, _("Case opened."))
        return redirect("cases:case-detail", case.uuid)
    return render(
        request, "cases/family_part_form.html", {"family": family, "form": form, "title": _("Open a case")}
    )


@staff_required
def edvisit_add(request, uuid):
    child = get_noted_or_404(
        request, Child.objects.filter(family__in=families_visible_to(request.user)), uuid=uuid
    )
    form = EDVisitForm(request.POST or None)

    def run(data):
        return services.edvisit_record(child=child, actor=request.user, **form.service_fields())

    visit, _stale = run_form(request, form, run)
    if visit:
        messages.success(request, _("ED visit recorded."))
        if visit.case:
            return redirect("cases:case-detail", visit.case.uuid)
        return redirect("cases:family-detail", child.family.uuid)
    title = _("Record an ED visit for %(child)s") % {"child": child}
    return render(
        request, "cases/family_part_form.html", {"family": child.family, "form": form, "title": title}
    )


@staff_required
def edvisit_edit(request, uuid):
    """Correct an ED visit (reason, times, hospital, details), refusing a stale form."""
    visit = get_noted_or_404(
        request,
        EDVisit.objects.filter(child__family__in=families_visible_to(request.user)).select_related(
            "child__family"
        ),
        uuid=uuid,
    )
    form = EDVisitForm(request.POST or None, instance=copy.copy(visit), editing=True)

    def run(data):
        return services.edvisit_update(
            visit=visit, actor=request.user, version=data["version"], **form.service_fields()
        )

    title = _("Correct the ED visit of %(child)s") % {"child": visit.child}
    return _family_form_page(request, visit.child.family, form, run, title, _("ED visit saved."))


# The case page and its parts


def _outside_teams(request, uuid):
    """A case outside the user's teams: "not found", or for coordinators and supervisors the emergency page.

    The emergency page looks the same whether or not the case exists, so that only
    stating a reason reveals it. The attempt is logged as refused, against the
    household it would have opened.
    """
    if not may_request_emergency_access(request.user):
        raise Http404
    outside = Case.objects.filter(uuid=uuid).only("pk", "uuid", "family_id", "team_id").first()
    if outside is not None:
        note(request, outside, action=Action.DENIED)
    return redirect("cases:emergency-access", uuid)


@staff_required
def emergency_access(request, uuid):
    """State a reason to open a case of another team for a few hours; the team's supervisors are told."""
    if not may_request_emergency_access(request.user):
        raise Http404
    case = Case.objects.select_related("team", "family").filter(uuid=uuid).first()
    if case is not None and can_work_case(request.user, case):
        return redirect("cases:case-detail", case.uuid)
    form = EmergencyAccessForm(request.POST or None)

    def run(data):
        return emergency.emergency_access_grant(
            actor=request.user, case=case, reason=data["reason"], explanation=data["explanation"]
        )

    # Only a stated reason tells whether the case exists.
    if request.method == "POST" and form.is_valid():
        if case is None:
            raise Http404
        note(request, case)
        grant, _stale = run_form(request, form, run)
        if grant:
            remember_emergency_grants(request, emergency_grants(request.user))
            note(request, action=Action.EMERGENCY_ACCESS)
            # The banner on every page says until when, and that everything is recorded.
            return redirect("cases:case-detail", case.uuid)
    context = {"form": form, "hours": emergency.grant_hours()}
    return render(request, "cases/emergency_access.html", context)


def _case(request, uuid, queryset=None):
    queryset = queryset if queryset is not None else cases_visible_to(request.user)
    return get_noted_or_404(
        request, queryset.select_related("family", "program", "coordinator", "team", "updated_by"), uuid=uuid
    )


def timeline_page(case, number):
    """Case events and activities, newest first, paginated in the database."""
    events = CaseEvent.objects.filter(case=case).annotate(
        source=Value("event", output_field=CharField()), when=F("at")
    )
    activities = Activity.objects.filter(case=case).annotate(
        source=Value("activity", output_field=CharField()), when=F("occurred_at")
    )
    keys = (
        events.order_by()
        .values_list("source", "pk", "when")
        .union(activities.order_by().values_list("source", "pk", "when"), all=True)
    )
    page = Paginator(keys.order_by("-when"), TIMELINE_PAGE_SIZE).get_page(number)
    ids = {"event": [], "activity": []}
    for source, pk, _when in page.object_list:
        ids[source].append(pk)
    loaded = {
        ("event", e.pk): e for e in CaseEvent.objects.filter(pk__in=ids["event"]).select_related("actor")
    }
    loaded.update(
        {
            ("activity", a.pk): a
            for a in Activity.objects.filter(pk__in=ids["activity"]).select_related("created_by")
        }
    )
    page.entries = [(source, loaded[(source, pk)]) for source, pk, _when in page.object_list]
    return page


def case_context(request, case):
    today = timezone.localdate()
    consents = list(case.family.consents.all())
    return {
        "case": case,
        "family": case.family,
        "children": case.family.children.all(),
        "focus_children": {child.pk for child in case.children.all()},
        "needs": case.needs.select_related("category", "child"),
        "goals": case.goals.select_related("child"),
        "open_tasks": case.tasks.open().select_related("assignee").order_by("due_on"),
        "done_tasks": case.tasks.filter(completed_at__isnull=False)
        .select_related("assignee", "completed_by")
        .order_by("-completed_at")[:10],
        "timeline": timeline_page(case, request.GET.get("timeline")),
        "consent_in_force": next((consent for consent in consents if consent.in_force_on(today)), None),
        "consents": consents,
        "can_approve": can_approve_closure(request.user, case),
        "panels": case_panels(request, case),
        "today": today,
    }


@staff_required
def case_detail(request, uuid):
    try:
        case = _case(request, uuid)
    except Http404:
        return _outside_teams(request, uuid)
    section = request.GET.get("section")
    if request.htmx and section in {"timeline", "needs", "goals", "tasks"}:
        return render(request, f"cases/case_detail.html#{section}", case_context(request, case))
    return render(request, "cases/case_detail.html", case_context(request, case))


def _announce_saved(response, section, message):
    """Add to an in-place answer what is read out, and where the focus returns (static/js/focus.js)."""
    said = render_to_string("includes/part_saved.html", {"section": section, "message": message})
    response.content += said.encode(response.charset)
    return response


def _case_part(request, case, form, run, *, section, title, instance=None, runner=run_form):
    """Add or change one part of a case: in place with htmx, as a full page without it."""
    result, stale = runner(request, form, run)
    if result is not None:
        if request.htmx:
            response = render(request, f"cases/case_detail.html#{section}", case_context(request, case))
            return _announce_saved(
                reswap(retarget(response, f"#{section}"), "outerHTML"), section, _("Saved.")
            )
        messages.success(request, _("Saved."))
        return redirect(reverse("cases:case-detail", args=[case.uuid]) + f"#{section}")
    context = {
        "case": case,
        "form": form,
        "title": title,
        "section": section,
        "action": request.get_full_path(),
    }
    if stale:
        context.update(stale=stale, current=current_values(form, stale))
    template = "cases/case_part_form.html#form" if request.htmx else "cases/case_part_form.html"
    return render(request, template, context)


@staff_required
def case_edit(request, uuid):
    case = _case(request, uuid)
    staff = staff_visible_to(request.user).filter(teams=case.team)
    form = CaseForm(request.POST or None, instance=case, family=case.family, staff=staff, editing=True)

    def run(data):
        return services.case_update(
            case=case, actor=request.user, version=data["version"], **form.service_fields()
        )

    return _case_part(request, case, form, run, section="case-summary", title=_("Edit case"))


@staff_required
def need_add(request, uuid):
    case = _case(request, uuid)
    form = NeedForm(request.POST or None, case=case)

    def run(data):
        return services.need_add(case=case, actor=request.user, **form.service_fields())

    return _case_part(request, case, form, run, section="needs", title=_("Add a need"))


def _need(request, uuid):
    need = get_noted_or_404(
        request,
        Need.objects.filter(case__in=cases_visible_to(request.user)).select_related(
            "case", "category", "child"
        ),
        uuid=uuid,
    )
    return _case(request, need.case.uuid), need


@staff_required
def need_edit(request, uuid):
    case, need = _need(request, uuid)
    form = NeedForm(request.POST or None, instance=need, case=case)

    def run(data):
        return services.need_update(
            need=need, actor=request.user, version=data["version"], **form.service_fields()
        )

    return _case_part(request, case, form, run, section="needs", title=_("Edit need"))


@staff_required
def need_status(request, uuid):
    case, need = _need(request, uuid)
    choices = need_next_statuses(need.status)
    form = NeedStatusForm(request.POST or None, choices=choices, initial={"version": need.version})

    def run(data):
        return services.need_transition(
            need=need, actor=request.user, to=data["status"], note=data["note"], version=data["version"]
        )

    def move(request, form, run):
        return run_move(request, form, run, record=need)

    title = _("Change the status of: %(need)s") % {"need": need}
    return _case_part(request, case, form, run, section="needs", title=title, runner=move)


@staff_required
def goal_add(request, uuid):
    case = _case(request, uuid)
    form = GoalForm(request.POST or None, case=case)

    def run(data):
        return services.goal_add(case=case, actor=request.user, **form.service_fields())

    return _case_part(request, case, form, run, section="goals", title=_("Add a goal"))


@staff_required
def goal_edit(request, uuid):
    goal = get_noted_or_404(request, Goal.objects.filter(case__in=cases_visible_to(request.user)), uuid=uuid)
    case = _case(request, goal.case.uuid)
    form = GoalForm(request.POST or None, instance=goal, case=case)

    def run(data):
        return services.goal_update(
            goal=goal, actor=request.user, version=data["version"], **form.service_fields()
        )

    return _case_part(request, case, form, run, section="goals", title=_("Edit goal"))


@staff_required
def activity_add(request, uuid):
    case = _case(request, uuid)
    form = ActivityForm(request.POST or None)

    def run(data):
        return services.activity_log(case=case, actor=request.user, **data)

    return _case_part(request, case, form, run, section="timeline", title=_("Log an activity"))


@staff_required
def task_add(request, uuid):
    case = _case(request, uuid)
    staff = staff_visible_to(request.user).filter(teams=case.team)
    initial = {"assignee": case.coordinator, "due_on": timezone.localdate() + timezone.timedelta(days=7)}
    form = TaskForm(request.POST or None, staff=staff, initial=initial)

    def run(data):
        return services.task_create(case=case, actor=request.user, **data)

    return _case_part(request, case, form, run, section="tasks", title=_("Add a task"))


@staff_required
@require_POST
def task_complete(request, uuid):
    task = get_noted_or_404(request, Task.objects.filter(case__in=cases_visible_to(request.user)), uuid=uuid)
    case = _case(request, task.case.uuid)
    said = _("Task done: %(task)s") % {"task": task.title}
    try:
        services.task_complete(task=task, actor=request.user, version=request.POST.get("version"))
    except ValidationError as error:
        said = " ".join(error.messages)
        messages.error(request, said)
    if request.htmx:
        response = render(request, "cases/case_detail.html#tasks", case_context(request, case))
        return _announce_saved(response, "tasks", said)
    return redirect(reverse("cases:case-detail", args=[case.uuid]) + "#tasks")


@staff_required
@require_POST
def case_activate(request, uuid):
    case = _case(request, uuid)
    version = request.POST.get("version")
    try:
        services.case_activate(case=case, actor=request.user, version=version)
        messages.success(request, _("The case is active."))
    except ValidationError as error:
        if saved_move(request, case, target=Case.Status.ACTIVE, version=version):
            messages.success(request, _("The case is active."))
        else:
            messages.error(request, " ".join(error.messages))
    return redirect("cases:case-detail", case.uuid)


def _case_action(request, case, form, run, *, target, title, success, blockers=(), extra=None):
    """A lifecycle action on a full page: closure request, approval, return, reopening.

    A double click gives the saved result (``run_move``); a closure still
    blocked lists what is open.
    """
    refused_for = []

    def guarded(data):
        try:
            return run(data)
        except services.ClosureBlocked as error:
            refused_for.extend(error.blockers)
            raise

    result, _stale = run_move(request, form, guarded, record=case, target=target)
    if result is not None:
        messages.success(request, success)
        return redirect("cases:case-detail", case.uuid)
    context = {
        "case": case,
        "form": form,
        "title": title,
        "blockers": refused_for or blockers,
        **(extra or {}),
    }
    return render(request, "cases/case_action.html", context)


@staff_required
def case_closure_request(request, uuid):
    case = _case(request, uuid)
    upcoming = upcoming_appointments(case)
    form = ClosureRequestForm(request.POST or None, upcoming=upcoming, initial={"version": case.version})

    def run(data):
        return services.case_request_closure(
            case=case,
            actor=request.user,
            reason=data["reason"],
            note=data["note"],
            keep_upcoming_appointments=data.get("keep_upcoming_appointments", False),
            version=data["version"],
        )

    # Say what is still open before the coordinator fills the form in.
    blockers = closure_blockers(case) if request.method == "GET" else ()
    return _case_action(
        request,
        case,
        form,
        run,
        target=Case.Status.CLOSURE_REQUESTED,
        title=_("Request closure"),
        success=_("Closure requested. A supervisor will review it."),
        blockers=blockers,
        extra={"upcoming": upcoming},
    )


def _supervised_case(request, uuid):
    case = _case(request, uuid)
    if not can_approve_closure(request.user, case):
        raise Http404
    return case


@staff_required
def case_closure_approve(request, uuid):
    """The supervisor sees the whole case (needs, goals, referrals, missed appointments) and closes it."""
    case = _supervised_case(request, uuid)
    form = ClosureApproveForm(request.POST or None, initial={"version": case.version})

    def run(data):
        return services.case_approve_closure(
            case=case, actor=request.user, note=data["note"], version=data["version"]
        )

    return _case_action(
        request,
        case,
        form,
        run,
        target=Case.Status.CLOSED,
        title=_("Approve closure"),
        success=_("Case closed."),
        extra={"summary": closure_summary(case)},
    )


@staff_required
def case_closure_return(request, uuid):
    case = _supervised_case(request, uuid)
    form = ClosureReturnForm(request.POST or None, initial={"version": case.version})

    def run(data):
        return services.case_return_closure(
            case=case, actor=request.user, comment=data["comment"], version=data["version"]
        )

    return _case_action(
        request,
        case,
        form,
        run,
        target=Case.Status.ACTIVE,
        title=_("Return to the coordinator"),
        success=_("Closure returned to the coordinator."),
    )


@staff_required
def case_reopen(request, uuid):
    case = _case(request, uuid)
    form = ReopenForm(request.POST or None, initial={"version": case.version})

    def run(data):
        return services.case_reopen(
            case=case, actor=request.user, reason=data["reason"], version=data["version"]
        )

    return _case_action(
        request,
        case,
        form,
        run,
        target=Case.Status.ACTIVE,
        title=_("Reopen the case"),
        success=_("Case reopened."),
    )


@staff_required
def case_history(request, uuid):
    """The compliance trail of a case and its parts, from the audit log."""
    from .history import case_log_entries

    case = _case(request, uuid)
    page = Paginator(case_log_entries(case), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/case_history.html", {"case": case, "page": page})
