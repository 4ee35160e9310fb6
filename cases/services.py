"""Every write and state change of the case side. Views, commands, tasks and other apps call these.

Each service checks its actor first (``require_case_access`` and its
siblings), runs in one transaction, names the fields an update may change, and
refuses a change of an existing record made without the version it was decided
on, or on an older one; the same change sent twice by the same person returns
the saved record. Lifecycle moves go through the tables in
``cases.transitions`` and one mover per aggregate.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from carecoord.services import (
    StaleEdit,
    VersionMissing,
    check_version,
    is_repeated_edit,
    lock,
    model_update,
    refuse_unknown_fields,
    save_tracked,
)
from carecoord.text import digits_only, search_key
from notifications.models import Notification
from notifications.services import notify

from .closure import ClosureBlocked, upcoming_appointments
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
from .permissions import (
    can_approve_closure,
    require_case_access,
    require_family_access,
    require_team_access,
)
from .transitions import CASE_LIFECYCLE, NEED_LIFECYCLE

__all__ = ["ClosureBlocked", "StaleEdit", "VersionMissing"]  # raised here, caught by the pages

# The fields each record's create and update services take; everything else
# (team, status, version, search keys...) changes only through its own action.
# The forms show them in this order.
FAMILY_FIELDS = (
    "name",
    "preferred_language",
    "other_language",
    "interpreter_needed",
    "phone",
    "email",
    "preferred_contact_method",
    "address_line1",
    "address_line2",
    "town",
    "state",
    "postal_code",
    "insurance",
)
CAREGIVER_FIELDS = ("first_name", "last_name", "relationship", "phone", "email", "is_primary")
CHILD_FIELDS = ("first_name", "last_name", "date_of_birth", "conditions", "primary_care_provider", "mrn")
CONSENT_FIELDS = ("scope", "scope_detail", "given_by", "given_on", "expires_on")
CASE_FIELDS = ("urgent", "source", "summary")
NEED_FIELDS = ("category", "child", "description")
GOAL_FIELDS = ("description", "child", "next_steps", "target_date", "status", "shared_with_family")
EDVISIT_FIELDS = ("reason", "reason_detail", "hospital", "arrived_at", "discharged_at")
SEARCH_KEY_FIELDS = ("search_name", "phone_digits")


def _new(model, data, fields, **owner):
    """A new record of ``model`` from the ``fields`` a caller may set, and the owner the service sets."""
    refuse_unknown_fields(data, fields)
    return model(**owner, **data)


def case_event_record(*, case, kind, actor=None, actor_label="", note="", from_status="", to_status=""):
    """Write an event on a case's timeline: the one way any app adds to it.

    ``actor`` is the user who made the change; a change made from outside (the
    receiving organization through its signed link) has no actor and names the
    outside party in ``actor_label``.
    """
    if actor is not None:
        require_case_access(actor, case)
    elif not actor_label:
        raise ValueError("An event from outside names who made it (actor_label).")
    return _event(
        case, kind, actor, actor_label=actor_label, from_status=from_status, to_status=to_status, note=note
    )


def _event(case, kind, actor, *, actor_label="", from_status="", to_status="", note=""):
    # The actor was checked by the service writing the event.
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=actor_label,
        note=note,
    )


def _case_url(case):
    return reverse("cases:case-detail", args=[case.uuid])


def _require_open(case):
    """A closed case is a closed record: nothing on it changes until it is reopened."""
    if not case.is_open:
        raise ValidationError(_("This case is closed. Reopen it before changing it."), code="case_closed")


def _not_in_future(day, field, message):
    if day and day > timezone.localdate():
        raise ValidationError({field: message})


# Families, caregivers, children


@transaction.atomic
def family_create(*, actor, team, **data):
    """Create a household owned by ``team``, one the actor works in."""
    require_team_access(actor, team)
    family = _new(Family, data, FAMILY_FIELDS, team=team)
    family.refresh_search_keys()
    return save_tracked(family, actor, created=True)


@transaction.atomic
def family_update(*, family, actor, version, **data):
    """Change a household's details, refusing a stale form."""
    family = lock(family)
    require_family_access(actor, family)
    check_version(family, version)
    changed = model_update(instance=family, fields=FAMILY_FIELDS, data=data)
    family.refresh_search_keys()
    return save_tracked(family, actor, update_fields=[*changed, *SEARCH_KEY_FIELDS])


@transaction.atomic
def family_archive(*, family, actor, reason, version):
    """Archive a household that has no open case; families are never deleted."""
    family = lock(family)
    require_family_access(actor, family)
    if family.archived_reason == reason.strip() and is_repeated_edit(family, version=version, actor=actor):
        return family
    check_version(family, version)
    if family.cases.open().exists():
        raise ValidationError(_("Close the family's open cases before archiving it."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the family is archived.")})
    family.archived_at = timezone.now()
    family.archived_reason = reason.strip()
    return save_tracked(family, actor, update_fields=["archived_at", "archived_reason"])


@transaction.atomic
def family_unarchive(*, family, actor, version):
    """Bring an archived household back to the active list."""
    family = lock(family)
    require_family_access(actor, family)
    if not family.is_archived and is_repeated_edit(family, version=version, actor=actor):
        return family
    check_version(family, version)
    family.archived_at = None
    family.archived_reason = ""
    return save_tracked(family, actor, update_fields=["archived_at", "archived_reason"])


@transaction.atomic
def caregiver_add(*, family, actor, **data):
    """Add a parent or guardian to a household."""
    require_family_access(actor, family)
    caregiver = _new(Caregiver, data, CAREGIVER_FIELDS, family=family)
    caregiver.refresh_search_keys()
    return save_tracked(caregiver, actor, created=True)


@transaction.atomic
def caregiver_update(*, caregiver, actor, version, **data):
    """Change a caregiver's details, refusing a stale form."""
    caregiver = lock(caregiver)
    require_family_access(actor, caregiver.family)
    check_version(caregiver, version)
    changed = model_update(instance=caregiver, fields=CAREGIVER_FIELDS, data=data)
    caregiver.refresh_search_keys()
    return save_tracked(caregiver, actor, update_fields=[*changed, *SEARCH_KEY_FIELDS])


@transaction.atomic
def caregiver_link_login(*, caregiver, user):
    """Link a caregiver to the portal login they set up from their invitation (the family portal calls this).

    No staff actor: the caregiver's own invitation, checked by the portal, is
    the authority. The login must be a family login.
    """
    if user.role != User.Role.FAMILY:
        raise PermissionDenied
    caregiver = lock(caregiver)
    if caregiver.user_id == user.pk:
        return caregiver
    caregiver.user = user
    caregiver.updated_at = timezone.now()
    caregiver.save(update_fields=["user", "updated_at"])
    return caregiver


def _check_date_of_birth(data):
    _not_in_future(
        data.get("date_of_birth"), "date_of_birth", _("The date of birth cannot be in the future.")
    )


@transaction.atomic
def child_add(*, family, actor, **data):
    """Add a child to a household; a date of birth is never in the future."""
    require_family_access(actor, family)
    _check_date_of_birth(data)
    child = _new(Child, data, CHILD_FIELDS, family=family)
    child.refresh_search_keys()
    return save_tracked(child, actor, created=True)


@transaction.atomic
def child_update(*, child, actor, version, **data):
    """Change a child's details, refusing a stale form."""
    child = lock(child)
    require_family_access(actor, child.family)
    check_version(child, version)
    _check_date_of_birth(data)
    changed = model_update(instance=child, fields=CHILD_FIELDS, data=data)
    child.refresh_search_keys()
    return save_tracked(child, actor, update_fields=[*changed, "search_name"])


def possible_duplicates(*, families, phones=(), children=()):
    """Families in ``families`` sharing a phone number, or a child's name and date of birth.

    ``children`` holds (first_name, last_name, date_of_birth) tuples.
    """
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
def consent_record(*, family, actor, **data):
    """Record the family's permission to share information with outside providers; never dated ahead."""
    require_family_access(actor, family)
    _not_in_future(data.get("given_on"), "given_on", _("Consent cannot be dated in the future."))
    consent = _new(Consent, data, CONSENT_FIELDS, family=family)
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
def consent_withdraw(*, consent, actor, reason, version):
    """Withdraw a consent; it stays on file, no longer in force."""
    consent = lock(consent)
    require_family_access(actor, consent.family)
    withdrawn_so = consent.withdrawn_at and consent.withdrawn_reason == reason.strip()
    if withdrawn_so and is_repeated_edit(consent, version=version, actor=actor):
        return consent
    check_version(consent, version)
    if consent.withdrawn_at:
        raise ValidationError(_("This consent was already withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the consent is withdrawn.")})
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_reason = reason.strip()
    save_tracked(consent, actor, update_fields=["withdrawn_at", "withdrawn_reason"])
    for case in consent.family.cases.open():
        _event(
            case, CaseEvent.Kind.CONSENT, actor, note=_("Consent withdrawn: %(reason)s") % {"reason": reason}
        )
    return consent


# Cases


def _check_coordinator(coordinator, team):
    if coordinator.role not in User.STAFF_ROLES or not coordinator.teams.filter(pk=team.pk).exists():
        raise ValidationError({"coordinator": _("The coordinator must be a member of the family's team.")})


def _check_children(family, children):
    if any(child.family_id != family.pk for child in children):
        raise ValidationError({"children": _("Every child in focus must belong to the case's family.")})


@transaction.atomic
def case_open(*, family, program, coordinator, actor, children=(), **data):
    """Open a case for a family in an active program; one open case per family and program."""
    require_family_access(actor, family)
    if family.is_archived:
        raise ValidationError(_("This family is archived. Restore it before opening a case."))
    if not program.active:
        raise ValidationError({"program": _("This program no longer takes new cases.")})
    _check_coordinator(coordinator, family.team)
    _check_children(family, children)
    case = _new(Case, data, CASE_FIELDS, family=family, program=program, coordinator=coordinator)
    case.team = family.team
    save_tracked(case, actor, created=True)
    if children:
        case.children.set(children)
    _event(case, CaseEvent.Kind.OPENED, actor, to_status=case.status)
    return case


@transaction.atomic
def case_update(*, case, actor, version, children=None, **data):
    """Change a case's details (urgency, summary, source, children in focus)."""
    case = lock(case)
    require_case_access(actor, case)
    _require_open(case)
    check_version(case, version)
    changed = model_update(instance=case, fields=CASE_FIELDS, data=data)
    if children is not None:
        _check_children(case.family, children)
    save_tracked(case, actor, update_fields=changed)
    if children is not None:
        case.children.set(children)
    return case


def _case_move(case, name, actor, *, version, note="", note_field="note", check_input=None, **changes):
    """The one mover of a case: who may, the version, from where (the table), the input, the move's guard,
    the move.

    ``case`` is locked by the caller. A move decided without the case's
    ``version``, or on an older one, is refused before the table is read (a
    double click is recognised by the page, ``carecoord.web.run_move``).
    ``check_input()`` checks what the service was given (a closure reason) once
    the actor and the status are known to be right; ``changes`` are what that
    input sets. The move's stamps and its event come from the table.
    """
    require_case_access(actor, case)
    check_version(case, version)
    move = CASE_LIFECYCLE.check(CASE_LIFECYCLE[name], case, actor)
    note = CASE_LIFECYCLE.check_note(move, note, field=note_field)
    if check_input:
        check_input()
    if move.guard:
        move.guard(case)
    previous = case.status
    for field, value in changes.items():
        setattr(case, field, value)
    CASE_LIFECYCLE.apply(move, case, now=timezone.now(), note=note)
    save_tracked(case, actor)
    _event(case, move.event, actor, from_status=previous, to_status=move.target, note=note)
    return case


@transaction.atomic
def case_activate(*, case, actor, version):
    """Intake is done: the case is being worked."""
    return _case_move(lock(case), "activate", actor, version=version)


@transaction.atomic
def case_request_closure(*, case, actor, reason, version, note="", keep_upcoming_appointments=False):
    """Ask a supervisor to close the case; refused while anything is still open (``cases.closure``).

    Appointments still to come stay booked for the family; the coordinator
    says so (``keep_upcoming_appointments``) or the request is refused.
    """
    case = lock(case)

    def check_reason():
        if reason not in Case.ClosureReason.values:
            raise ValidationError({"reason": _("Choose a closure reason.")})
        if not keep_upcoming_appointments and upcoming_appointments(case):
            raise ValidationError(
                {
                    "keep_upcoming_appointments": _(
                        "Appointments are still booked for the family. Cancel them, or confirm that the "
                        "family keeps them after the case closes."
                    )
                }
            )

    return _case_move(
        case,
        "request_closure",
        actor,
        note=note,
        check_input=check_reason,
        version=version,
        closure_reason=reason,
    )


@transaction.atomic
def case_approve_closure(*, case, actor, version, note=""):
    """A supervisor of the case's team closes it; what is open still blocks it."""
    return _case_move(lock(case), "approve_closure", actor, note=note, version=version)


@transaction.atomic
def case_return_closure(*, case, actor, comment, version):
    """A supervisor sends a closure request back to the coordinator, whose inbox gets the comment."""
    case = _case_move(
        lock(case), "return_closure", actor, note=comment, note_field="comment", version=version
    )
    notify(
        recipients=[case.coordinator],
        kind=Notification.Kind.CLOSURE_RETURNED,
        url=_case_url(case),
        params={"supervisor": actor, "family": case.family, "note": comment.strip()},
    )
    return case


@transaction.atomic
def case_reopen(*, case, actor, reason, version):
    """Reopen a closed case, with a reason; never beside another open case of the family in the program."""
    return _case_move(lock(case), "reopen", actor, note=reason, note_field="reason", version=version)


def _require_supervisor(actor, case):
    if not can_approve_closure(actor, case):
        raise PermissionDenied


@transaction.atomic
def case_reassign(*, case, actor, coordinator, reason, version):
    """Give a case to another coordinator of its team, who gets a review task."""
    case = lock(case)
    _require_supervisor(actor, case)
    if case.coordinator_id == coordinator.pk and is_repeated_edit(case, version=version, actor=actor):
        return case
    check_version(case, version)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reassigned.")})
    _check_coordinator(coordinator, case.team)
    if coordinator.pk == case.coordinator_id:
        raise ValidationError({"coordinator": _("The case is already assigned to this coordinator.")})
    previous = case.coordinator
    case.coordinator = coordinator
    save_tracked(case, actor, update_fields=["coordinator"])
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
def case_review(*, case, actor, note, version):
    """A supervisor reviews a case and leaves a note the coordinator sees."""
    case = lock(case)
    _require_supervisor(actor, case)
    if is_repeated_edit(case, version=version, actor=actor):
        latest = case.events.filter(kind=CaseEvent.Kind.REVIEWED).order_by("-at", "-id").first()
        if latest and latest.actor_id == actor.pk and latest.note == note.strip():
            return case
    check_version(case, version)
    if not note.strip():
        raise ValidationError({"note": _("Write the review note.")})
    case.reviewed_at = timezone.now()
    save_tracked(case, actor, update_fields=["reviewed_at"])
    _event(case, CaseEvent.Kind.REVIEWED, actor, note=note.strip())
    if case.coordinator_id != actor.pk:
        notify(
            recipients=[case.coordinator],
            kind=Notification.Kind.CASE_REVIEWED,
            url=_case_url(case),
            params={"supervisor": actor, "family": case.family},
        )
    return case


@transaction.atomic
def intake_create(
    *,
    actor,
    team,
    family_fields,
    caregivers,
    children,
    program,
    coordinator,
    case_fields,
    needs,
    consent=None,
):
    """One intake: a new family with its caregivers and children, an open case, its first needs and,
    when ``consent`` holds its fields, the family's consent (recorded by ``consent_record``, same rules).

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
    if consent is not None:
        consent_record(family=family, actor=actor, **consent)
    return case


# Needs


def _check_child(case, child):
    if child is not None and child.family_id != case.family_id:
        raise ValidationError({"child": _("The child must belong to the case's family.")})


@transaction.atomic
def need_add(*, case, actor, category, description, child=None):
    """Record what a child, or the household, needs."""
    require_case_access(actor, case)
    if not case.is_open:
        raise ValidationError(_("Reopen the case before adding needs."))
    _check_child(case, child)
    need = Need(case=case, category=category, description=description, child=child)
    save_tracked(need, actor, created=True)
    _event(case, CaseEvent.Kind.NEED_ADDED, actor, to_status=need.status, note=str(need))
    return need


@transaction.atomic
def need_update(*, need, actor, version, **data):
    """Change what a need says, refusing a stale form."""
    need = lock(need)
    require_case_access(actor, need.case)
    _require_open(need.case)
    check_version(need, version)
    _check_child(need.case, data.get("child", need.child))
    changed = model_update(instance=need, fields=NEED_FIELDS, data=data)
    return save_tracked(need, actor, update_fields=changed)


@transaction.atomic
def need_transition(*, need, actor, to, version, note=""):
    """Move a need along its lifecycle; met, unmet and declined need a resolution note.

    A move decided without the need's ``version``, or on an older one, is refused.
    """
    need = lock(need)
    require_case_access(actor, need.case)
    check_version(need, version)
    move = NEED_LIFECYCLE.between(need.status, to) or NEED_LIFECYCLE.refuse(need.status, to)
    NEED_LIFECYCLE.check(move, need, actor)
    if not need.case.is_open:
        raise ValidationError(_("Reopen the case before changing its needs."))
    note = NEED_LIFECYCLE.check_note(move, note)
    previous = need.status
    NEED_LIFECYCLE.apply(move, need, now=timezone.now(), note=note)
    save_tracked(need, actor, update_fields=["status", "resolution_note", "resolved_at"])
    _event(
        need.case,
        move.event,
        actor,
        from_status=previous,
        to_status=move.target,
        note=f"{need}. {note}".strip(),
    )
    return need


# Goals, activities, tasks


@transaction.atomic
def goal_add(*, case, actor, **data):
    """Add a goal to the shared plan of care of an open case."""
    require_case_access(actor, case)
    _require_open(case)
    _check_child(case, data.get("child"))
    return save_tracked(_new(Goal, data, GOAL_FIELDS, case=case), actor, created=True)


@transaction.atomic
def goal_update(*, goal, actor, version, **data):
    """Change a goal, refusing a stale form."""
    goal = lock(goal)
    require_case_access(actor, goal.case)
    _require_open(goal.case)
    check_version(goal, version)
    _check_child(goal.case, data.get("child", goal.child))
    changed = model_update(instance=goal, fields=GOAL_FIELDS, data=data)
    return save_tracked(goal, actor, update_fields=changed)


@transaction.atomic
def activity_log(*, case, actor, kind, minutes, summary, occurred_at=None, with_whom=""):
    """Log a contact or a piece of work on an open case; never in the future."""
    require_case_access(actor, case)
    _require_open(case)
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("An activity cannot be logged in the future.")})
    activity = Activity(
        case=case, kind=kind, minutes=minutes, summary=summary, occurred_at=occurred_at, with_whom=with_whom
    )
    return save_tracked(activity, actor, created=True)


def _task_new(*, case, actor, title, assignee, due_on, details="", rule_key=""):
    if not assignee.is_active or not assignee.teams.filter(pk=case.team_id).exists():
        raise ValidationError({"assignee": _("Assign the task to a member of the case's team.")})
    task = Task(case=case, title=title, assignee=assignee, due_on=due_on, details=details, rule_key=rule_key)
    save_tracked(task, actor, created=True)
    # A task someone gives to someone else reaches their inbox; the follow-up
    # rules' own tasks (no actor) are announced by the rules.
    if actor is not None and assignee.pk != actor.pk:
        notify(
            recipients=[assignee],
            kind=Notification.Kind.TASK_ASSIGNED,
            url=_case_url(case) + "#tasks",
            params={"by": actor, "title": title, "family": case.family},
        )
    return task


@transaction.atomic
def task_create(*, case, actor, title, assignee, due_on, details=""):
    """Create a follow-up on an open case for a team member, who is told when someone else assigns it."""
    require_case_access(actor, case)
    _require_open(case)
    return _task_new(case=case, actor=actor, title=title, assignee=assignee, due_on=due_on, details=details)


@transaction.atomic
def task_create_once(*, rule_key, case, actor, **fields):
    """Create a rule's task unless that rule already made it; returns (task, created).

    ``actor`` is None when the system's own follow-up rules make the task;
    otherwise the actor must work the case.
    """
    if actor is not None:
        require_case_access(actor, case)
    existing = Task.objects.filter(rule_key=rule_key).first()
    if existing:
        return existing, False
    return _task_new(rule_key=rule_key, case=case, actor=actor, **fields), True


@transaction.atomic
def task_complete(*, task, actor, version):
    """Mark a task done."""
    task = lock(task)
    require_case_access(actor, task.case)
    _require_open(task.case)
    if task.completed_by_id == actor.pk and is_repeated_edit(task, version=version, actor=actor):
        return task
    check_version(task, version)
    if task.completed_at:
        raise ValidationError(_("This task is already complete."))
    task.completed_at = timezone.now()
    task.completed_by = actor
    return save_tracked(task, actor, update_fields=["completed_at", "completed_by"])


# ED visits


def _check_edvisit(data, *, follow_up=False):
    arrived_at, discharged_at = data.get("arrived_at"), data.get("discharged_at")
    if data.get("reason") not in EDVisit.Reason.values:
        raise ValidationError({"reason": _("Say why the child went to the ED.")})
    if arrived_at and arrived_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"arrived_at": _("The arrival cannot be in the future.")})
    if arrived_at and discharged_at and discharged_at < arrived_at:
        raise ValidationError({"discharged_at": _("Discharge cannot be before arrival.")})
    if follow_up and data.get("reason") != EDVisit.Reason.MENTAL_HEALTH_CRISIS:
        raise ValidationError({"follow_up": FOLLOW_UP_NEEDS_CRISIS})


FOLLOW_UP_NEEDS_CRISIS = gettext_lazy(
    "The ED follow-up is for a mental-health crisis. Choose that reason, or untick the follow-up."
)


@transaction.atomic
def edvisit_record(*, child, actor, follow_up=False, case=None, **data):
    """Record a child's ED visit; the ED follow-up starts only when asked, only for a mental-health crisis.

    With ``follow_up``, the visit is attached to the family's open case in the
    ED follow-up program (opened if there is none) and a follow-up contact task
    is due within the program's target after discharge. Asking for the
    follow-up for another reason is refused, never silently skipped.
    """
    require_family_access(actor, child.family)
    refuse_unknown_fields(data, EDVISIT_FIELDS)
    if case is not None and case.family_id != child.family_id:
        raise ValidationError({"case": _("The visit's case must be one of the child's family.")})
    _check_edvisit(data, follow_up=follow_up)
    visit = EDVisit(child=child, case=case, **data)
    if follow_up:
        visit.case = _ed_follow_up_case(child=child, actor=actor)
    save_tracked(visit, actor, created=True)
    if visit.case:
        _event(visit.case, CaseEvent.Kind.ED_VISIT, actor, note=_("ED visit: %(visit)s") % {"visit": visit})
    if follow_up:
        task_create_once(
            rule_key=f"ed-follow-up:{visit.uuid}",
            case=visit.case,
            actor=actor,
            title=_("Follow-up contact after ED discharge: %(child)s") % {"child": child.first_name},
            assignee=visit.case.coordinator,
            due_on=visit.follow_up_due_on,
        )
    return visit


@transaction.atomic
def edvisit_update(*, visit, actor, version, **data):
    """Correct an ED visit's reason, details, hospital, arrival or discharge, refusing a stale form.

    The follow-up it started (its case and task) is not undone here: the
    coordinator settles that on the case.
    """
    visit = lock(visit)
    require_family_access(actor, visit.child.family)
    check_version(visit, version)
    changed = model_update(instance=visit, fields=EDVISIT_FIELDS, data=data)
    _check_edvisit({name: getattr(visit, name) for name in EDVISIT_FIELDS})
    save_tracked(visit, actor, update_fields=changed)
    if visit.case_id and changed:
        _event(
            visit.case,
            CaseEvent.Kind.ED_VISIT,
            actor,
            note=_("ED visit corrected: %(visit)s") % {"visit": visit},
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
