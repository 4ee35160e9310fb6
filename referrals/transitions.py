"""The referral lifecycle (HL7 FHIR Task.status) as a table of named moves, declared once.

Staff who work the case make every move; the receiving organization, answering
through its signed link (no user: ``actor`` is None), may accept, decline and
mark the service delivered. The terminal statuses, the statuses in which the
organization's link works and the moves that need a reason are read from the
table.
"""

from django.utils.translation import gettext_lazy as _

from carecoord.lifecycle import Lifecycle, Move
from cases.permissions import can_work_case

from .consent import require_consent
from .deadlines import referral_deadlines
from .models import Referral

S = Referral.Status


def case_team(actor, referral):
    """Staff who work the referral's case."""
    return actor is not None and can_work_case(actor, referral.case)


def case_team_or_organization(actor, referral):
    """Staff who work the case, or the receiving organization answering through its link (no actor)."""
    return actor is None or case_team(actor, referral)


def case_team_or_filled_elsewhere(actor, referral):
    """Staff who work the case; or, with no actor, the system withdrawing a referral of a batch
    that another service of the same batch has accepted (the first to accept wins)."""
    if actor is not None:
        return case_team(actor, referral)
    return bool(
        referral.batch
        and Referral.objects.filter(batch=referral.batch, accepted_at__isnull=False)
        .exclude(pk=referral.pk)
        .exists()
    )


def _sent(referral, now, note):
    referral.requested_at = referral.requested_at or now
    # The organization's by-when dates, in the program's business days from the sending.
    referral.acknowledge_due, referral.outcome_due = referral_deadlines(
        referral.case.program, referral.requested_at
    )


def _accepted(referral, now, note):
    referral.accepted_at = referral.accepted_at or now
    referral.acknowledged_at = referral.acknowledged_at or now


def _declined(referral, now, note):
    referral.status_reason = note
    referral.acknowledged_at = referral.acknowledged_at or now


def _completed(referral, now, note):
    referral.completed_at = now
    referral.accepted_at = referral.accepted_at or now


def _with_reason(referral, now, note):
    referral.status_reason = note


REASON = _("Give the reason for this change.")

REFERRAL_LIFECYCLE = Lifecycle(
    statuses=S,
    refusal=_("A referral cannot go from “%(current)s” to “%(target)s”."),
    moves=[
        # Sending needs the family's consent in force for this recipient.
        Move(
            "send",
            sources=(S.DRAFT, S.ON_HOLD),
            target=S.REQUESTED,
            who=case_team,
            guard=require_consent,
            effects=_sent,
        ),
        Move("receive", sources=(S.REQUESTED, S.ON_HOLD), target=S.RECEIVED, who=case_team),
        Move(
            "accept",
            sources=(S.REQUESTED, S.RECEIVED, S.ON_HOLD),
            target=S.ACCEPTED,
            who=case_team_or_organization,
            effects=_accepted,
        ),
        Move("start", sources=(S.ACCEPTED, S.ON_HOLD), target=S.IN_PROGRESS, who=case_team),
        Move(
            "complete",
            sources=(S.ACCEPTED, S.IN_PROGRESS),
            target=S.COMPLETED,
            who=case_team_or_organization,
            effects=_completed,
        ),
        Move(
            "reject",
            sources=(S.REQUESTED, S.RECEIVED),
            target=S.REJECTED,
            who=case_team_or_organization,
            note_required=REASON,
            effects=_declined,
        ),
        Move(
            "cancel",
            sources=(S.DRAFT, S.REQUESTED, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD),
            target=S.CANCELLED,
            who=case_team_or_filled_elsewhere,
            note_required=REASON,
            effects=_with_reason,
        ),
        Move(
            "fail",
            sources=(S.REQUESTED, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD),
            target=S.FAILED,
            who=case_team,
            note_required=REASON,
            effects=_with_reason,
        ),
        Move(
            "hold",
            sources=(S.REQUESTED, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS),
            target=S.ON_HOLD,
            who=case_team,
            note_required=REASON,
            effects=_with_reason,
        ),
    ],
)

REFERRAL_ALLOWED = REFERRAL_LIFECYCLE.allowed
# Completed, rejected, cancelled and failed: no move leaves them; a new referral starts again.
TERMINAL = REFERRAL_LIFECYCLE.terminal
# Sent and still waiting for the organization to accept or decline it (on hold is paused).
AWAITING_ACKNOWLEDGEMENT = (S.REQUESTED, S.RECEIVED)
# Statuses in which the receiving organization's link works: sent and not yet over.
LINK_OPEN = tuple(status for status in S if status not in TERMINAL and status != S.DRAFT)
# Moves that need a reason the timeline keeps.
REASON_REQUIRED = frozenset(move.target for move in REFERRAL_LIFECYCLE.moves.values() if move.note_required)
# Moves that also carry a coded reason (Referral.ReasonCode), counted in the reports.
REASON_CODED = frozenset({"reject", "fail"})
REASON_CODED_STATUSES = frozenset(REFERRAL_LIFECYCLE[name].target for name in REASON_CODED)
# Codes a person chooses; "filled elsewhere" is the system's own, when a batch sibling is accepted.
REASON_CODE_CHOICES = [
    (code, label)
    for code, label in Referral.ReasonCode.choices
    if code != Referral.ReasonCode.FILLED_ELSEWHERE
]


def referral_can_move(current, target):
    return REFERRAL_LIFECYCLE.can_move(current, target)


def referral_next_statuses(current):
    return REFERRAL_LIFECYCLE.next_statuses(current)
