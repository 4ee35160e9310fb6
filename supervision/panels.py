"""The supervision part of the case page, registered with ``cases.panels``."""

from cases.permissions import can_approve_closure

from .permissions import can_supervise


def case_supervision_panel(request, case):
    """Last review and the review and reassign actions, for a supervisor of the case's team."""
    supervised = can_supervise(request.user) and can_approve_closure(request.user, case)
    return "supervision/case_panel.html", {"supervised": supervised, "panel_case": case}
