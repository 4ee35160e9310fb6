"""Factories for the portal's tests: appointments, and a family whose caregiver has a portal login."""

import datetime

import factory
from django.utils import timezone

from referrals.models import Appointment
from tests.accounts.factories import FamilyUserFactory
from tests.cases.factories import CaregiverFactory, CaseFactory, ChildFactory


class PortalAppointmentFactory(factory.django.DjangoModelFactory):
    """A scheduled appointment in three days for a child of the case's family, with family instructions."""

    class Meta:
        model = Appointment

    case = factory.SubFactory(CaseFactory)
    child = factory.SubFactory(ChildFactory, family=factory.SelfAttribute("..case.family"))
    provider = factory.Sequence(lambda n: f"Clinic {n}")
    place = "Children's Hospital"
    address = "300 Longwood Avenue, Boston"
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    duration_minutes = 60
    status = Appointment.Status.SCHEDULED
    instructions_for_family = "Bring the insurance card."


def portal_caregiver(family, **fields):
    """A caregiver of ``family`` signed up to the portal: returns (caregiver, user)."""
    user = FamilyUserFactory(language=fields.pop("language", ""))
    caregiver = CaregiverFactory(family=family, user=user, **fields)
    return caregiver, user
