"""Who sees which referrals and appointments: through the case side's scoping, never around it."""

from cases.permissions import cases_visible_to, families_visible_to

from .models import Appointment, Referral


def referrals_visible_to(user):
    return Referral.objects.filter(case__in=cases_visible_to(user))


def appointments_visible_to(user):
    return Appointment.objects.filter(child__family__in=families_visible_to(user))
