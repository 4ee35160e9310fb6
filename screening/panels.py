"""The screening panel of the case page (registered with ``cases.panels``)."""

from django.db.models import Prefetch

from .models import NeedProposal, Screening, ScreeningResult

PANEL_SCREENINGS = 5


def screening_case_panel(request, case):
    """The case's latest screenings with their positive domains, and the proposed needs still to decide."""
    positives = ScreeningResult.objects.filter(result=ScreeningResult.Result.POSITIVE).select_related(
        "domain"
    )
    screenings = (
        Screening.objects.filter(case=case)
        .select_related("instrument", "respondent")
        .prefetch_related(Prefetch("results", queryset=positives, to_attr="positive_results"))
        .order_by("-created_at", "-pk")[:PANEL_SCREENINGS]
    )
    proposals = (
        NeedProposal.objects.filter(screening__case=case, status=NeedProposal.Status.PROPOSED)
        .select_related("category", "screening")
        .order_by("pk")
    )
    return "screening/case_panel.html", {
        "screenings": screenings,
        "proposals": proposals,
        "panel_case": case,
        "can_send": case.family.caregivers.filter(user__isnull=False, user__is_active=True).exists(),
    }
