"""Lifecycle tables: the allowed moves of a case and of a need, declared once."""

from .models import Case, Need

CASE_ALLOWED = {
    Case.Status.INTAKE: {Case.Status.ACTIVE, Case.Status.CLOSURE_REQUESTED},
    Case.Status.ACTIVE: {Case.Status.CLOSURE_REQUESTED},
    # A supervisor approves (closed) or returns the request (active).
    Case.Status.CLOSURE_REQUESTED: {Case.Status.CLOSED, Case.Status.ACTIVE},
    # A closed case can be reopened.
    Case.Status.CLOSED: {Case.Status.ACTIVE},
}

NEED_ALLOWED = {
    Need.Status.OPEN: {Need.Status.IN_PROGRESS, Need.Status.MET, Need.Status.UNMET, Need.Status.DECLINED},
    Need.Status.IN_PROGRESS: {Need.Status.OPEN, Need.Status.MET, Need.Status.UNMET, Need.Status.DECLINED},
    # A resolved need can be reopened when it turns out not to be settled.
    Need.Status.MET: {Need.Status.OPEN},
    Need.Status.UNMET: {Need.Status.OPEN},
    Need.Status.DECLINED: {Need.Status.OPEN},
}


def case_can_move(current, target):
    return target in CASE_ALLOWED.get(current, set())


def need_can_move(current, target):
    return target in NEED_ALLOWED.get(current, set())


def need_next_statuses(current):
    order = list(Need.Status)
    return [status for status in order if status in NEED_ALLOWED.get(current, set())]
