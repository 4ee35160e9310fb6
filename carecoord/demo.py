"""The demo data set, assembled from each app's own demo module."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.demo import seed_teams_and_staff
from accounts.models import User
from cases.demo import seed_families
from cases.models import Case, Family
from cases.reference import ensure_reference_data
from notifications.demo import seed_notifications
from portal.demo import seed_portal
from referrals.demo import seed_directory, seed_referrals
from referrals.followups import follow_up_rules_run
from referrals.models import Referral
from supervision.demo import seed_supervision_history


def seed_demo():
    """Load every app's demo data; return the demo logins as (role, username, password)."""
    ensure_reference_data()
    _teams, logins = seed_teams_and_staff()
    seed_directory()
    seed_families()
    seed_referrals()
    seed_portal()
    seed_supervision_history()
    coordinator = User.objects.get(username="coordinator")
    seed_notifications(recipient=coordinator, places=_inbox_places(coordinator))
    # The hourly job, as a running installation would have run it: overdue tasks, missed deadlines
    # (tasks for the coordinators, escalations to the supervisors) and follow-up rules, each once.
    follow_up_rules_run()
    return logins


def _referral_place(coordinator, family, service):
    referral = (
        Referral.objects.filter(
            case__coordinator=coordinator, case__family__name=family, service__name=service
        )
        .select_related("service__organization", "need__child", "need__category", "case__family")
        .order_by("pk")
        .first()
    )
    if referral is None:
        return None
    appointment = referral.appointments.order_by("start").first()
    return {
        "url": reverse("referrals:referral-detail", args=[referral.uuid]),
        "organization": referral.service.organization.name,
        "child": referral.need.child.first_name if referral.need.child else str(referral.case.family),
        "need": referral.need.category.code,
        "family": str(referral.case.family),
        "due_on": referral.acknowledge_due or _days_after(referral.requested_at, 2),
        "coordinator": coordinator.get_full_name(),
        "when": appointment.start if appointment else None,
    }


def _days_after(moment, days):
    return timezone.localdate(moment) + datetime.timedelta(days=days) if moment else None


def _case_place(coordinator, family, **params):
    case = Case.objects.filter(coordinator=coordinator, family__name=family).order_by("pk").first()
    if case is None:
        return None
    return {"url": reverse("cases:case-detail", args=[case.uuid]), "family": str(case.family)} | params


def _inbox_places(coordinator):
    """The demo records the coordinator's inbox items point at: their paths and the names the items show."""
    places = {
        "speech_referral": _referral_place(coordinator, "Hernández household", "Terapia del habla bilingüe"),
        "neuromuscular_referral": _referral_place(
            coordinator, "Hernández household", "Pediatric Neuromuscular Clinic"
        ),
        "rides_referral": _referral_place(
            coordinator, "Hernández household", "Medicaid Rides to Medical Appointments"
        ),
        "johnson_review": _case_place(coordinator, "Johnson household", supervisor="Sam Rivera"),
    }
    family = Family.objects.filter(name="Hernández household", caregivers__user__isnull=False).first()
    if family is not None:
        places["hernandez_family"] = {
            "url": reverse("cases:family-detail", args=[family.uuid]),
            "caregiver": "María Hernández",
            "family": str(family),
        }
    return {name: _plain(place) for name, place in places.items() if place is not None}


def _plain(place):
    """Names and ISO dates, as an item's parameters are stored; a fact the demo lacks is left out."""
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in place.items()
        if value is not None
    }
