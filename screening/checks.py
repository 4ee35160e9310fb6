"""What a case's screenings leave open: registered as a closure check, so a case closes only once every
screening has its answers (or was withdrawn) and every proposed need was confirmed or dismissed."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import NeedProposal, Screening


def open_screening_work(case):
    blockers = []
    pending = (
        Screening.objects.pending().filter(case=case).select_related("instrument").order_by("created_at")
    )
    for screening in pending:
        blockers.append(
            _("Screening not finished: %(instrument)s, started %(day)s")
            % {
                "instrument": screening.instrument.title,
                "day": formats.date_format(timezone.localtime(screening.created_at), "SHORT_DATE_FORMAT"),
            }
        )
    proposals = (
        NeedProposal.objects.filter(screening__case=case, status=NeedProposal.Status.PROPOSED)
        .select_related("category")
        .order_by("pk")
    )
    for proposal in proposals:
        blockers.append(
            _("Proposed need not confirmed or dismissed: %(category)s") % {"category": proposal.category}
        )
    return blockers
