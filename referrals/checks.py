"""What referrals contribute to the case side: a closure check and a case-page panel."""

from django.utils.translation import gettext as _

from .models import Appointment, Referral


def open_referrals(case):
    """A case cannot close while a referral has no known outcome."""
    referrals = (
        Referral.objects.filter(case=case).open().select_related("need__category", "service__organization")
    )
    return [
        _("Referral still open: %(referral)s (%(status)s)")
        % {"referral": referral.recipient, "status": referral.get_status_display()}
        for referral in referrals
    ]


def case_referrals_panel(request, case):
    """The referrals and appointments of a case, for its page."""
    referrals = (
        Referral.objects.filter(case=case)
        .with_durations()
        .select_related("need__category", "need__child", "service__organization")
        .order_by("closed_at", "-created_at")
    )
    appointments = (
        Appointment.objects.filter(case=case).select_related("child", "referral").order_by("-start")
    )
    return "referrals/case_panel.html", {
        "referrals": referrals,
        "appointments": appointments,
        "panel_case": case,
    }
