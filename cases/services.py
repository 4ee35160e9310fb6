"""Every write and state change of the case side. Views, commands and tasks call these."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from carecoord.services import StaleEdit, check_version, lock, save_tracked  # noqa: F401 - StaleEdit for callers
from carecoord.text import digits_only, search_key

from .closure import closure_blockers
from .models import (
    Activity,
    Caregiver,
    Case,
    CaseEvent,
    Child,
    Consent,
    EDVisit,
    Family,
    Goal,
    Need,
    Program,
    Task,
)
from .permissions import can_approve_closure, can_work_case
from .transitions import case_can_move, need_can_move


class ClosureBlocked(ValidationError):
    """The case still has open work; ``blockers`` lists it."""

    def __init__(self, blockers):
        super().__init__(_("The case cannot close yet."), code="closure_blocked")
        self.blockers = blockers


# Fields that change only through their own lifecycle service (transition,
# closure, reassignment), never through an edit.
CASE_LIFECYCLE_FIELDS = {
    "status",
    "closure_reason",
    "closure_note",
    "closure_requested_at",
    "closed_at",
    "reviewed_at",
    "coordinator",
    "team",
    "family",
    "program",
}
NEED_LIFECYCLE_FIELDS = {"status", "resolution_note", "resolved_at", "case"}


def _apply(instance, fields, *, protected=frozenset()):
    refused = sorted(set(fields) & protected)
    if refused:
        raise ValidationError(
            _("%(fields)s cannot be edited here: they change only through their own action.")
            % {"fields": ", ".join(refused)}
        )
    for name, value in fields.items():
        setattr(instance, name, value)


def _event(case, kind, actor, *, from_status="", to_status="", note="", actor_label=""):
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=actor_label,
        note=note,
    )


def _require_case_access(actor, case):
    if not can_work_case(actor, case):
        raise PermissionDenied


# Families, caregivers, children


@transaction.atomic
def family_create(*, actor, team, **fields):
    """Create a household owned by ``team``."""
    family = Family(team=team, **fields)
    family.refresh_search_keys()
    return save_tracked(family, actor, created=True)


@transaction.atomic
def family_update(*, family, actor, version, **fields):
    """Change a household's details, refusing a stale form."""
    family = lock(family)
    check_version(family, version)
    _apply(family, fields)
    family.refresh_search_keys()
    return save_tracked(family, actor)


@transaction.atomic
def family_archive(*, family, actor, reason):
    """Archive a household that has no open case; families are never deleted."""
    family = lock(family)
    if family.cases.open().exists():
        raise ValidationError(_("Close the family's open cases before archiving it."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the family is archived.")})
    family.archived_at = timezone.now()
    family.archived_reason = reason.strip()
    return save_tracked(family, actor)


@transaction.atomic
def family_unarchive(*, family, actor):
    """Bring an archived household back to the active list."""
    family = lock(family)
    family.archived_at = None
    family.archived_reason = ""
    return save_tracked(family, actor)


@transaction.atomic
def caregiver_add(*, family, actor, **fields):
    """Add a parent or guardian to a household."""
    caregiver = Caregiver(family=family, **fields)
    caregiver.refresh_search_keys()
    return save_tracked(caregiver, actor, created=True)


@transaction.atomic
def caregiver_update(*, caregiver, actor, version, **fields):
    """Change a caregiver's details, refusing a stale form."""
    caregiver = lock(caregiver)
    check_version(caregiver, version)
    _apply(caregiver, fields)
    caregiver.refresh_search_keys()
    return save_tracked(caregiver, actor)


@transaction.atomic
def child_add(*, family, actor, **fields):
    """Add a child to a household."""
    child = Child(family=family, **fields)
    child.refresh_search_keys()
    return save_tracked(child, actor, created=True)


@transaction.atomic
def child_update(*, child, actor, version, **fields):
    """Change a child's details, refusing a stale form."""
    child = lock(child)
    check_version(child, version)
    _apply(child, fields)
    child.refresh_search_keys()
    return save_tracked(child, actor)


def possible_duplicates(*, families, phones=(), children=()):
    """Families in ``families`` sharing a phone number, or a child's name and date of birth.

    ``children`` holds (first_name, last_name, date_of_birth) tuples.
    """
    from django.db.models import Q

    condition = Q(pk__in=[])
    for phone in phones:
        digits = digits_only(phone)
        if len(digits) >= 7:
            condition |= Q(phone_digits__endswith=digits[-10:]) | Q(
                caregivers__phone_digits__endswith=digits[-10:]
            )
    for first_name, last_name, date_of_birth in children:
        if first_name and date_of_birth:
            condition |= Q(
                children__search_name=search_key(first_name, last_name),
                children__date_of_birth=date_of_birth,
            )
    return families.filter(condition).distinct().order_by("name")


# Consent


@transaction.atomic
def consent_record(*, family, actor, **fields):
    """Record the family's permission to share information with outside providers."""
    consent = Consent(family=family, **fields)
    save_tracked(consent, actor, created=True)
    for case in family.cases.open():
        _event(
            case,
            CaseEvent.Kind.CONSENT,
            actor,
            note=_("Consent recorded: %(consent)s") % {"consent": consent},
        )
    return consent


@transaction.atomic
def consent_withdraw(*, consent, actor, reason):
    """Withdraw a consent; it stays on file, no longer in force."""
    consent = lock(consent)
    if consent.withdrawn_at:
        raise ValidationError(_("This consent was already withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the consent is withdrawn.")})
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_reason = reason.strip()
    save_tracked(consent, actor)
    for case in consent.family.cases.open():
        _event(
            case, CaseEvent.Kind.CONSENT, actor, note=_("Consent withdrawn: %(reason)s") % {"reason": reason}
        )
    return consent


# Cases


def _check_coordinator(coordinator, team):
    if coordinator.role not in User.STAFF_ROLES or not coordinator.teams.filter(pk=team.pk).exists():
        raise ValidationError({"coordinator": _("The coordinator must be a member of the family's team.")})


@transaction.atomic
def case_open(*, family, program, coordinator, actor, children=(), urgent=False, source="family", summary=""):
    """Open a case for a family in a program; one open case per family and program."""
    if family.is_archived:
        raise ValidationError(_("This family is archived. Restore it before opening a case."))
    _check_coordinator(coordinator, family.team)
    case = Case(
        family=family,
        program=program,
        coordinator=coordinator,
        team=family.team,
        urgent=urgent,
        source=source,
        summary=summary,
    )
    save_tracked(case, actor, created=True)
    if children:
        case.children.set(children)
    _event(case, CaseEvent.Kind.OPENED, actor, to_status=case.status)
    return case


@transaction.atomic
def case_update(*, case, actor, version, children=None, **fields):
    """Change a case's details (urgency, summary, source, children in focus)."""
    case = lock(case)
    _require_case_access(actor, case)
    check_version(case, version)
    _apply(case, fields, protected=CASE_LIFECYCLE_FIELDS)
    save_tracked(case, actor)
    if children is not None:
        case.children.set(children)
    return case


def _ensure_case_can_move(case, target):
    if not case_can_move(case.status, target):
        raise ValidationError(
            _("A case cannot go from “%(current)s” to “%(target)s”.")
            % {"current": case.get_status_display(), "target": Case.Status(target).label}
        )


def _move_case(case, target, actor, *, kind, note=""):
    _ensure_case_can_move(case, target)
    previous = case.status
    case.status = target
    save_tracked(case, actor)
    _event(case, kind, actor, from_status=previous, to_status=target, note=note)
    return case


@transaction.atomic
def case_activate(*, case, actor):
    """Intake is done: the case is being worked."""
    case = lock(case)
    _require_case_access(actor, case)
    # Closure requests go back through the supervisor, closed cases through reopen.
    if case.status != Case.Status.INTAKE:
        raise ValidationError(_("Only a case in intake can be started."))
    return _move_case(case, Case.Status.ACTIVE, actor, kind=CaseEvent.Kind.STATUS)


@transaction.atomic
def case_request_closure(*, case, actor, reason, note=""):
    """Ask a supervisor to close the case; refused while anything is still open."""
    case = lock(case)
    _require_case_access(actor, case)
    if reason not in Case.ClosureReason.values:
        raise ValidationError({"reason": _("Choose a closure reason.")})
    _ensure_case_can_move(case, Case.Status.CLOSURE_REQUESTED)
    blockers = closure_blockers(case)
    if blockers:
        raise ClosureBlocked(blockers)
    case.closure_reason = reason
    case.closure_note = note
    case.closure_requested_at = timezone.now()
    return _move_case(
        case, Case.Status.CLOSURE_REQUESTED, actor, kind=CaseEvent.Kind.CLOSURE_REQUESTED, note=note
    )


@transaction.atomic
def case_approve_closure(*, case, actor, note=""):
    """A supervisor of the case's team closes it; what is open still blocks it."""
    case = lock(case)
    if not can_approve_closure(actor, case):
        raise PermissionDenied
    if case.status != Case.Status.CLOSURE_REQUESTED:
        raise ValidationError(_("Only a case waiting for closure approval can be closed."))
    blockers = closure_blockers(case)
    if blockers:
        raise ClosureBlocked(blockers)
    case.closed_at = timezone.now()
    return _move_case(case, Case.Status.CLOSED, actor, kind=CaseEvent.Kind.CLOSURE_APPROVED, note=note)


@transaction.atomic
def case_return_closure(*, case, actor, comment):
    """A supervisor sends a closure request back to the coordinator with a comment."""
    case = lock(case)
    if not can_approve_closure(actor, case):
        raise PermissionDenied
    if not comment.strip():
        raise ValidationError({"comment": _("Tell the coordinator why the closure is returned.")})
    if case.status != Case.Status.CLOSURE_REQUESTED:
        raise ValidationError(_("Only a case waiting for closure approval can be returned."))
    case.closure_requested_at = None
    return _move_case(
        case, Case.Status.ACTIVE, actor, kind=CaseEvent.Kind.CLOSURE_RETURNED, note=comment.strip()
    )


@transaction.atomic
def case_reopen(*, case, actor, reason):
    """Reopen a closed case, with a reason."""
    case = lock(case)
    _require_case_access(actor, case)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    if case.status != Case.Status.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    if Case.objects.open().filter(family=case.family, program=case.program).exists():
        raise ValidationError(_("This family already has an open case in this program."))
    case.closed_at = None
    case.closure_requested_at = None
    case.closure_reason = ""
    case.closure_note = ""
    return _move_case(case, Case.Status.ACTIVE, actor, kind=CaseEvent.Kind.REOPENED, note=reason.strip())


@transaction.atomic
def case_reassign(*, case, actor, coordinator, reason):
    """Give a case to another coordinator of its team, who gets a review task."""
    case = lock(case)
    if not can_approve_closure(actor, case):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reassigned.")})
    _check_coordinator(coordinator, case.team)
    if coordinator.pk == case.coordinator_id:
        raise ValidationError({"coordinator": _("The case is already assigned to this coordinator.")})
    previous = case.coordinator
    case.coordinator = coordinator
    save_tracked(case, actor)
    _event(
        case,
        CaseEvent.Kind.REASSIGNED,
        actor,
        note=_("From %(previous)s to %(new)s: %(reason)s")
        % {"previous": previous, "new": coordinator, "reason": reason.strip()},
    )
    task_create(
        case=case,
        actor=actor,
        title=_("Review reassigned case"),
        details=reason.strip(),
        assignee=coordinator,
        due_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    return case


@transaction.atomic
def case_review(*, case, actor, note):
    """A supervisor reviews a case and leaves a note the coordinator sees."""
    case = lock(case)
    if not can_approve_closure(actor, case):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Write the review note.")})
    case.reviewed_at = timezone.now()
    save_tracked(case, actor)
    _event(case, CaseEvent.Kind.REVIEWED, actor, note=note.strip())
    return case


@transaction.atomic
def intake_create(
    *, actor, team, family_fields, caregivers, children, program, coordinator, case_fields, needs
):
    """One intake: a new family with its caregivers and children, an open case and its first needs.

    ``needs`` holds dicts with ``category``, ``description`` and ``child_index``
    (position in ``children``, or None for a household need).
    """
    family = family_create(actor=actor, team=team, **family_fields)
    for caregiver in caregivers:
        caregiver_add(family=family, actor=actor, **caregiver)
    created_children = [child_add(family=family, actor=actor, **child) for child in children]
    case = case_open(
        family=family,
        program=program,
        coordinator=coordinator,
        actor=actor,
        children=created_children,
        **case_fields,
    )
    for need in needs:
        index = need.get("child_index")
        if index is not None and not 0 <= index < len(created_children):
            raise ValidationError({"needs": _("A need is for a child who was not entered.")})
        need_add(
            case=case,
            actor=actor,
            category=need["category"],
            description=need["description"],
            child=created_children[index] if index is not None else None,
        )
    return case


# Needs


def _check_child(case, child):
    if child is not None and child.family_id != case.family_id:
        raise ValidationError({"child": _("The child must belong to the case's family.")})


@transaction.atomic
def need_add(*, case, actor, category, description, child=None):
    """Record what a child, or the household, needs."""
    _require_case_access(actor, case)
    if not case.is_open:
        raise ValidationError(_("Reopen the case before adding needs."))
    _check_child(case, child)
    need = Need(case=case, category=category, description=description, child=child)
    save_tracked(need, actor, created=True)
    _event(case, CaseEvent.Kind.NEED_ADDED, actor, to_status=need.status, note=str(need))
    return need


@transaction.atomic
def need_update(*, need, actor, version, **fields):
    """Change what a need says, refusing a stale form."""
    need = lock(need)
    _require_case_access(actor, need.case)
    check_version(need, version)
    _check_child(need.case, fields.get("child", need.child))
    _apply(need, fields, protected=NEED_LIFECYCLE_FIELDS)
    return save_tracked(need, actor)


@transaction.atomic
def need_transition(*, need, actor, to, note="", version=None):
    """Move a need along its lifecycle; met, unmet and declined need a resolution note."""
    need = lock(need)
    _require_case_access(actor, need.case)
    check_version(need, version)
    if not need.case.is_open:
        raise ValidationError(_("Reopen the case before changing its needs."))
    if not need_can_move(need.status, to):
        raise ValidationError(
            _("A need cannot go from “%(current)s” to “%(target)s”.")
            % {"current": need.get_status_display(), "target": Need.Status(to).label}
        )
    if to in Need.RESOLVED:
        if not note.strip():
            raise ValidationError({"note": _("Write a resolution note: what happened with this need.")})
        need.resolution_note = note.strip()
        need.resolved_at = timezone.now()
    else:
        need.resolution_note = ""
        need.resolved_at = None
    previous = need.status
    need.status = to
    save_tracked(need, actor)
    _event(
        need.case,
        CaseEvent.Kind.NEED,
        actor,
        from_status=previous,
        to_status=to,
        note=f"{need}. {note}".strip(),
    )
    return need


# Goals, activities, tasks


@transaction.atomic
def goal_add(*, case, actor, **fields):
    """Add a goal to the shared plan of care."""
    _require_case_access(actor, case)
    _check_child(case, fields.get("child"))
    return save_tracked(Goal(case=case, **fields), actor, created=True)


@transaction.atomic
def goal_update(*, goal, actor, version, **fields):
    """Change a goal, refusing a stale form."""
    goal = lock(goal)
    _require_case_access(actor, goal.case)
    check_version(goal, version)
    _check_child(goal.case, fields.get("child", goal.child))
    _apply(goal, fields)
    return save_tracked(goal, actor)


@transaction.atomic
def activity_log(*, case, actor, kind, minutes, summary, occurred_at=None, with_whom=""):
    """Log a contact or a piece of work on a case."""
    _require_case_access(actor, case)
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("An activity cannot be logged in the future.")})
    activity = Activity(
        case=case, kind=kind, minutes=minutes, summary=summary, occurred_at=occurred_at, with_whom=with_whom
    )
    return save_tracked(activity, actor, created=True)


@transaction.atomic
def task_create(*, case, actor, title, assignee, due_on, details="", rule_key=""):
    """Create a follow-up for a member of the case's team."""
    if not assignee.is_active or not assignee.teams.filter(pk=case.team_id).exists():
        raise ValidationError({"assignee": _("Assign the task to a member of the case's team.")})
    task = Task(case=case, title=title, assignee=assignee, due_on=due_on, details=details, rule_key=rule_key)
    return save_tracked(task, actor, created=True)


def task_create_once(*, rule_key, **kwargs):
    """Create a rule's task unless that rule already made it; returns (task, created)."""
    existing = Task.objects.filter(rule_key=rule_key).first()
    if existing:
        return existing, False
    return task_create(rule_key=rule_key, **kwargs), True


@transaction.atomic
def task_complete(*, task, actor):
    """Mark a task done."""
    task = lock(task)
    _require_case_access(actor, task.case)
    if task.completed_at:
        raise ValidationError(_("This task is already complete."))
    task.completed_at = timezone.now()
    task.completed_by = actor
    return save_tracked(task, actor)


@transaction.atomic
def task_reopen(*, task, actor):
    """Undo a task's completion."""
    task = lock(task)
    _require_case_access(actor, task.case)
    task.completed_at = None
    task.completed_by = None
    return save_tracked(task, actor)


# ED visits


@transaction.atomic
def edvisit_record(
    *,
    child,
    actor,
    arrived_at,
    reason,
    discharged_at=None,
    hospital="",
    reason_detail="",
    follow_up=False,
    case=None,
):
    """Record a child's ED visit; for a mental-health crisis, optionally start the ED follow-up.

    With ``follow_up``, the visit is attached to the family's open case in the
    ED follow-up program (opened if there is none) and a follow-up contact task
    is due within the program's target after discharge.
    """
    if discharged_at and discharged_at < arrived_at:
        raise ValidationError({"discharged_at": _("Discharge cannot be before arrival.")})
    visit = EDVisit(
        child=child,
        case=case,
        arrived_at=arrived_at,
        discharged_at=discharged_at,
        hospital=hospital,
        reason=reason,
        reason_detail=reason_detail,
    )
    if follow_up and reason == EDVisit.Reason.MENTAL_HEALTH_CRISIS:
        visit.case = _ed_follow_up_case(child=child, actor=actor)
    save_tracked(visit, actor, created=True)
    if visit.case:
        _event(visit.case, CaseEvent.Kind.ED_VISIT, actor, note=_("ED visit: %(visit)s") % {"visit": visit})
    if follow_up and visit.case and reason == EDVisit.Reason.MENTAL_HEALTH_CRISIS:
        task_create_once(
            rule_key=f"ed-follow-up:{visit.uuid}",
            case=visit.case,
            actor=actor,
            title=_("Follow-up contact after ED discharge: %(child)s") % {"child": child.first_name},
            assignee=visit.case.coordinator,
            due_on=visit.follow_up_due_on,
        )
    return visit


def _ed_follow_up_case(*, child, actor):
    program = Program.objects.filter(kind=Program.Kind.ED_FOLLOW_UP, active=True).order_by("pk").first()
    if program is None:
        raise ValidationError(_("No ED follow-up program is set up. An administrator can add one."))
    case = Case.objects.open().filter(family=child.family, program=program).first()
    if case:
        case.children.add(child)
        return case
    coordinator = actor if actor.is_coordinator else None
    if coordinator is None:
        latest = Case.objects.filter(family=child.family).order_by("-opened_at").first()
        coordinator = latest.coordinator if latest else actor
    return case_open(
        family=child.family,
        program=program,
        coordinator=coordinator,
        actor=actor,
        children=[child],
        urgent=True,
        source=Case.Source.EMERGENCY_DEPARTMENT,
        summary=_("ED visit for a mental-health crisis."),
    )
