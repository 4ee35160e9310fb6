"""The referral lifecycle (HL7 FHIR Task.status), declared once."""

from .models import Referral

S = Referral.Status

REFERRAL_ALLOWED = {
    S.DRAFT: {S.REQUESTED, S.CANCELLED},
    S.REQUESTED: {S.RECEIVED, S.ACCEPTED, S.REJECTED, S.CANCELLED, S.FAILED, S.ON_HOLD},
    S.RECEIVED: {S.ACCEPTED, S.REJECTED, S.CANCELLED, S.FAILED, S.ON_HOLD},
    S.ACCEPTED: {S.IN_PROGRESS, S.COMPLETED, S.CANCELLED, S.FAILED, S.ON_HOLD},
    S.IN_PROGRESS: {S.COMPLETED, S.CANCELLED, S.FAILED, S.ON_HOLD},
    S.ON_HOLD: {S.REQUESTED, S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.CANCELLED, S.FAILED},
    # Completed, rejected, cancelled and failed are terminal: a new referral starts again.
    S.COMPLETED: set(),
    S.REJECTED: set(),
    S.CANCELLED: set(),
    S.FAILED: set(),
}

# Moves that need a reason the timeline keeps.
REASON_REQUIRED = {S.REJECTED, S.FAILED, S.CANCELLED, S.ON_HOLD}


def referral_can_move(current, target):
    return target in REFERRAL_ALLOWED.get(current, set())


def referral_next_statuses(current):
    return [status for status in S if status in REFERRAL_ALLOWED.get(current, set())]
