"""Factories for the referrals app: the service directory (referral factories join them later).

Directory rows are valid as the HSDS import would leave them: every row has an
HSDS id, a service's search words are filled the way the import fills them.
"""

import factory

from cases.models import ServiceCategory
from referrals.models import (
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)


def sequence_id(prefix):
    return factory.Sequence(lambda n: f"{prefix}-{n:05d}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    hsds_id = sequence_id("organization")
    name = factory.Sequence(lambda n: f"Community Organization {n}")
    description = "A fictional community organization."
    email = factory.Sequence(lambda n: f"organization{n}@example.org")
    website = "https://example.org"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    hsds_id = sequence_id("location")
    organization = factory.SubFactory(OrganizationFactory)
    location_type = Location.Type.PHYSICAL
    name = factory.Sequence(lambda n: f"Office {n}")
    address_type = Location.Type.PHYSICAL
    address_1 = factory.Sequence(lambda n: f"{n + 1} Harbor Street")
    city = "Kestrel Harbor"
    state_province = "KV"
    postal_code = "00101"
    country = "US"
    hours = "Mon–Fri 08:30–17:00"


class ServiceFactory(factory.django.DjangoModelFactory):
    """A listed service; ``categories`` (codes), ``locations`` and ``languages`` (codes) attach rows."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    hsds_id = sequence_id("service")
    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "A fictional service for children and families."
    status = Service.Status.ACTIVE

    @factory.post_generation
    def search_words(self, create, extracted, **kwargs):
        self.search_text = self.build_search_text()
        if create:
            self.save(update_fields=["search_text"])

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(ServiceCategory.objects.filter(code__in=extracted))

    @factory.post_generation
    def locations(self, create, extracted, **kwargs):
        for location in extracted or ():
            ServiceAtLocationFactory(service=self, location=location)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        for code in extracted or ():
            LanguageFactory(service=self, code=code, name={"en": "English", "es": "Spanish"}.get(code, code))


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAtLocation

    hsds_id = sequence_id("service-at-location")
    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    hsds_id = sequence_id("phone")
    service = factory.SubFactory(ServiceFactory)
    number = factory.Sequence(lambda n: f"555-01{n % 100:02d}")
    type = "voice"


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language

    hsds_id = sequence_id("language")
    service = factory.SubFactory(ServiceFactory)
    code = "es"
    name = "Spanish"


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    hsds_id = sequence_id("schedule")
    location = factory.SubFactory(LocationFactory)
    freq = Schedule.Frequency.WEEKLY
    byday = "MO,TU,WE,TH,FR"


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxonomyTerm

    hsds_id = sequence_id("term")
    name = factory.Sequence(lambda n: f"Term {n}")
    description = "A fictional taxonomy term."


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute

    hsds_id = sequence_id("attribute")
    service = factory.SubFactory(ServiceFactory)
    link_entity = "service"
    link_id = factory.SelfAttribute("service.hsds_id")
    taxonomy_term = factory.SubFactory(TaxonomyTermFactory)


# Referrals and appointments. Models and case factories are named by path, so
# this block stands on its own at the end of the file.


def _days_ago(days):
    import datetime

    from django.utils import timezone

    return timezone.now() - datetime.timedelta(days=days)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral sent a day ago to a named outside provider, for an open housing need.

    Pass ``status="draft"`` for one not sent yet (no ``requested_at``), or
    ``requested_at=`` to say when it was sent.
    """

    class Meta:
        model = "referrals.Referral"

    need = factory.SubFactory("tests.cases.factories.NeedFactory")
    case = factory.SelfAttribute("need.case")
    service = None
    outside_provider = factory.Sequence(lambda n: f"Outside Provider {n}")
    status = "requested"
    requested_at = factory.LazyAttribute(
        lambda referral: None if referral.status == "draft" else _days_ago(1)
    )


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A scheduled appointment in a week for a child of the case's family, on no referral."""

    class Meta:
        model = "referrals.Appointment"

    case = factory.SubFactory("tests.cases.factories.CaseFactory")
    child = factory.SubFactory(
        "tests.cases.factories.ChildFactory", family=factory.SelfAttribute("..case.family")
    )
    referral = None
    provider = factory.Sequence(lambda n: f"Clinic {n}")
    place = "Children's Hospital"
    start = factory.LazyFunction(lambda: _days_ago(-7))
    duration_minutes = 60
    status = "scheduled"


def therapy_need(case, **fields):
    """A physical-therapy need for the case's first child in focus."""
    from tests.cases.factories import NeedFactory

    fields.setdefault("child", case.children.first())
    fields.setdefault("description", "Physical therapy twice a week to keep him walking.")
    return NeedFactory(case=case, category_code="physical_therapy", **fields)


def contact_service(
    email="intake@therapy.example.org", *, organization_email="front@therapy.example.org", **fields
):
    """A listed service with a referral contact address, its organization with another."""
    return ServiceFactory(email=email, organization__email=organization_email, **fields)
