"""Lifecycle tables of a screening and of a proposed need, declared once; the services have one mover each."""

from django.utils.translation import gettext_lazy as _

from carecoord.lifecycle import Lifecycle, Move
from cases.models import CaseEvent
from cases.permissions import can_work_case

from .models import NeedProposal, Screening


def can_work_screening(actor, screening):
    """Staff of the screening's case."""
    return can_work_case(actor, screening.case)


def can_answer(actor, screening):
    """Who gives the answers: the caregiver it was sent to in the portal, the case's staff otherwise."""
    if screening.mode == Screening.Mode.PORTAL:
        return actor is not None and screening.respondent.user_id == actor.pk and actor.is_family
    return can_work_screening(actor, screening)


def _completed(screening, now, note):
    screening.completed_at = now


def _withdrawn(screening, now, note):
    screening.withdrawn_at = now
    screening.withdrawn_reason = note


S = Screening.Status

SCREENING_LIFECYCLE = Lifecycle(
    statuses=S,
    refusal=_("A screening cannot go from “%(current)s” to “%(target)s”."),
    moves=[
        Move(
            "start",
            sources=(S.SENT,),
            target=S.IN_PROGRESS,
            who=can_answer,
            refusal=_("This screening is no longer waiting for answers."),
        ),
        Move(
            "complete",
            sources=(S.SENT, S.IN_PROGRESS),
            target=S.COMPLETED,
            who=can_answer,
            event=CaseEvent.Kind.SCREENING_COMPLETED,
            refusal=_("This screening is no longer waiting for answers."),
            effects=_completed,
        ),
        Move(
            "withdraw",
            sources=(S.SENT, S.IN_PROGRESS),
            target=S.WITHDRAWN,
            who=can_work_screening,
            event=CaseEvent.Kind.SCREENING_WITHDRAWN,
            refusal=_("Only a screening still waiting for answers can be withdrawn."),
            note_required=_("Say why the screening is withdrawn."),
            effects=_withdrawn,
        ),
    ],
)


def _decided(proposal, now, note):
    proposal.decided_at = now


P = NeedProposal.Status


def can_decide(actor, proposal):
    return can_work_screening(actor, proposal.screening)


PROPOSAL_LIFECYCLE = Lifecycle(
    statuses=P,
    refusal=_("A proposed need cannot go from “%(current)s” to “%(target)s”."),
    moves=[
        Move(
            "confirm",
            sources=(P.PROPOSED,),
            target=P.CONFIRMED,
            who=can_decide,
            refusal=_("This proposed need was already decided."),
            effects=_decided,
        ),
        Move(
            "dismiss",
            sources=(P.PROPOSED,),
            target=P.DISMISSED,
            who=can_decide,
            event=CaseEvent.Kind.PROPOSAL_DISMISSED,
            refusal=_("This proposed need was already decided."),
            effects=_decided,
        ),
    ],
)
