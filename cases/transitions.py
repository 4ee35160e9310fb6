"""Lifecycle tables of the case side: the named moves of a case and of a need, declared once.

Each move says from which statuses, to which, who may make it and the event it
writes; ``cases.services`` has one mover per aggregate that checks the table.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carecoord.lifecycle import Lifecycle, Move

from .closure import ClosureBlocked, closure_blockers
from .models import Case, CaseEvent, Need
from .permissions import can_approve_closure, can_work_case


def _nothing_open(case):
    """A case closes only when every need is resolved and no referral is still open."""
    blockers = closure_blockers(case)
    if blockers:
        raise ClosureBlocked(blockers)


def _closure_requested(case, now, note):
    case.closure_requested_at = now
    case.closure_note = note


def _closed(case, now, note):
    case.closed_at = now


def _returned(case, now, note):
    case.closure_requested_at = None


def _no_other_open_case(case):
    """Reopening never puts a second open case of the family in the same program."""
    if Case.objects.open().filter(family=case.family_id, program=case.program_id).exists():
        raise ValidationError(_("This family already has an open case in this program."))


def _reopened(case, now, note):
    case.closed_at = None
    case.closure_requested_at = None
    case.closure_reason = ""
    case.closure_note = ""


C = Case.Status

CASE_LIFECYCLE = Lifecycle(
    statuses=C,
    refusal=_("A case cannot go from “%(current)s” to “%(target)s”."),
    moves=[
        Move(
            "activate",
            sources=(C.INTAKE,),
            target=C.ACTIVE,
            who=can_work_case,
            event=CaseEvent.Kind.STATUS,
            # Closure requests go back through the supervisor, closed cases through reopening.
            refusal=_("Only a case in intake can be started."),
        ),
        Move(
            "request_closure",
            sources=(C.INTAKE, C.ACTIVE),
            target=C.CLOSURE_REQUESTED,
            who=can_work_case,
            event=CaseEvent.Kind.CLOSURE_REQUESTED,
            guard=_nothing_open,
            effects=_closure_requested,
        ),
        Move(
            "approve_closure",
            sources=(C.CLOSURE_REQUESTED,),
            target=C.CLOSED,
            who=can_approve_closure,
            event=CaseEvent.Kind.CLOSURE_APPROVED,
            refusal=_("Only a case waiting for closure approval can be closed."),
            guard=_nothing_open,
            effects=_closed,
        ),
        Move(
            "return_closure",
            sources=(C.CLOSURE_REQUESTED,),
            target=C.ACTIVE,
            who=can_approve_closure,
            event=CaseEvent.Kind.CLOSURE_RETURNED,
            refusal=_("Only a case waiting for closure approval can be returned."),
            note_required=_("Tell the coordinator why the closure is returned."),
            effects=_returned,
        ),
        Move(
            "reopen",
            sources=(C.CLOSED,),
            target=C.ACTIVE,
            who=can_work_case,
            event=CaseEvent.Kind.REOPENED,
            refusal=_("Only a closed case can be reopened."),
            note_required=_("Say why the case is reopened."),
            guard=_no_other_open_case,
            effects=_reopened,
        ),
    ],
)


def _need_worker(actor, need):
    return can_work_case(actor, need.case)


def _resolved(need, now, note):
    need.resolution_note = note
    need.resolved_at = now


def _unresolved(need, now, note):
    need.resolution_note = ""
    need.resolved_at = None


N = Need.Status
RESOLUTION_NOTE = _("Write a resolution note: what happened with this need.")
_resolve = {
    "who": _need_worker,
    "event": CaseEvent.Kind.NEED,
    "note_required": RESOLUTION_NOTE,
    "effects": _resolved,
}

NEED_LIFECYCLE = Lifecycle(
    statuses=N,
    refusal=_("A need cannot go from “%(current)s” to “%(target)s”."),
    moves=[
        Move(
            "start",
            sources=(N.OPEN,),
            target=N.IN_PROGRESS,
            who=_need_worker,
            event=CaseEvent.Kind.NEED,
            effects=_unresolved,
        ),
        Move("meet", sources=(N.OPEN, N.IN_PROGRESS), target=N.MET, **_resolve),
        Move("leave_unmet", sources=(N.OPEN, N.IN_PROGRESS), target=N.UNMET, **_resolve),
        Move("decline", sources=(N.OPEN, N.IN_PROGRESS), target=N.DECLINED, **_resolve),
        # A need being worked goes back to open, and a resolved one is reopened
        # when it turns out not to be settled.
        Move(
            "reopen",
            sources=(N.IN_PROGRESS, N.MET, N.UNMET, N.DECLINED),
            target=N.OPEN,
            who=_need_worker,
            event=CaseEvent.Kind.NEED,
            effects=_unresolved,
        ),
    ],
)

# The allowed pairs, read from the tables (for forms, pages and tests).
CASE_ALLOWED = CASE_LIFECYCLE.allowed
NEED_ALLOWED = NEED_LIFECYCLE.allowed


def case_can_move(current, target):
    return CASE_LIFECYCLE.can_move(current, target)


def need_can_move(current, target):
    return NEED_LIFECYCLE.can_move(current, target)


def need_next_statuses(current):
    return NEED_LIFECYCLE.next_statuses(current)
