"""Every write of the supervision app. Views call these; each runs in one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import is_supervising
from cases.services import case_reassign

from .models import ReportDownload


@transaction.atomic
def cases_reassign(*, cases, versions, coordinator, reason, actor):
    """Give every case in ``cases`` to ``coordinator`` with one reason: all of them, or none.

    ``versions`` maps each case's UUID (as text) to the version the supervisor
    saw. Each case goes through ``case_reassign`` (history event, review task
    for the new coordinator, a case changed since refused); a refusal for any
    case undoes the whole batch and names it.
    """
    if not is_supervising(actor):
        raise PermissionDenied
    cases = sorted(cases, key=lambda case: case.pk)
    if not cases:
        raise ValidationError({"cases": _("Choose at least one case to reassign.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reassigned.")})
    for case in cases:
        try:
            case_reassign(
                case=case,
                actor=actor,
                coordinator=coordinator,
                reason=reason,
                version=versions.get(str(case.uuid)),
            )
        except ValidationError as error:
            raise ValidationError(
                _("Nothing was reassigned. %(family)s: %(problem)s")
                % {"family": case.family, "problem": " ".join(error.messages)}
            ) from error
    return cases


@transaction.atomic
def report_download_record(*, user, report, parameters):
    """Record that ``user``, a supervisor or administrator, downloaded ``report`` with ``parameters``, now."""
    if not is_supervising(user):
        raise PermissionDenied
    download = ReportDownload(user=user, report=report, parameters=parameters)
    download.full_clean()
    download.save()
    return download
