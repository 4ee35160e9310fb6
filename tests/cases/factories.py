"""Factories for the case side.

Defaults are valid records: a case's coordinator is a member of the family's
team, a resolved need has its resolution note, a closed case its reason and
date. The search keys (``search_name``, ``phone_digits``) are filled by the
records' own ``refresh_search_keys()``, as the services fill them, so
factory-made families are found by search.
"""

import datetime

import factory
from django.utils import timezone

from carecoord.text import search_key
from cases.models import (
    Activity,
    Caregiver,
    Case,
    Child,
    Consent,
    EDVisit,
    Family,
    Goal,
    Need,
    Program,
    ServiceCategory,
    Task,
)
from tests.accounts.factories import CoordinatorFactory, TeamFactory

GENERAL_PROGRAM = "General care coordination"
ED_PROGRAM = "ED mental-health follow-up"


def service_category(code):
    """A service category made by migration cases/0002, e.g. ``service_category("housing")``."""
    return ServiceCategory.objects.get(code=code)


class ProgramFactory(factory.django.DjangoModelFactory):
    """The general program by default; the row from migration cases/0002 is reused."""

    class Meta:
        model = Program
        django_get_or_create = ("name",)

    name = GENERAL_PROGRAM
    kind = Program.Kind.GENERAL
    follow_up_target_days = 7


class EDProgramFactory(ProgramFactory):
    """The ED mental-health follow-up program from migration cases/0002."""

    name = ED_PROGRAM
    kind = Program.Kind.ED_FOLLOW_UP


def general_program():
    return ProgramFactory()


def ed_program():
    return EDProgramFactory()


class SearchableFactory(factory.django.DjangoModelFactory):
    """Fills a record's search keys the way the services do, before it is saved."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        instance = model_class(*args, **kwargs)
        instance.refresh_search_keys()
        instance.save()
        return instance


class FamilyFactory(SearchableFactory):
    class Meta:
        model = Family

    name = factory.Faker("last_name")
    preferred_language = Family.Language.ENGLISH
    phone = factory.Sequence(lambda n: f"(617) 555-{n % 10000:04d}")
    email = factory.LazyAttribute(lambda family: f"{search_key(family.name).replace(' ', '')}@example.org")
    address_line1 = factory.Faker("street_address")
    town = factory.Faker("city")
    state = "MA"
    postal_code = "02118"
    team = factory.SubFactory(TeamFactory)


class CaregiverFactory(SearchableFactory):
    class Meta:
        model = Caregiver

    family = factory.SubFactory(FamilyFactory)
    first_name = factory.Faker("first_name_female")
    last_name = factory.LazyAttribute(lambda caregiver: caregiver.family.name)
    relationship = Caregiver.Relationship.MOTHER
    phone = factory.Sequence(lambda n: f"(857) 555-{n % 10000:04d}")
    is_primary = True


class ChildFactory(SearchableFactory):
    class Meta:
        model = Child

    family = factory.SubFactory(FamilyFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.LazyAttribute(lambda child: child.family.name)
    date_of_birth = factory.Faker("date_between", start_date="-16y", end_date="-1y")


class ConsentFactory(factory.django.DjangoModelFactory):
    """A consent in force: given a month ago, no expiry, not withdrawn."""

    class Meta:
        model = Consent

    family = factory.SubFactory(FamilyFactory)
    scope = Consent.Scope.ALL_PROVIDERS
    given_by = factory.Faker("name")
    given_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    expires_on = None


class CaseFactory(factory.django.DjangoModelFactory):
    """A case in the general program, worked by a new coordinator of the family's team.

    Pass ``status`` to start elsewhere in the lifecycle: a closure-requested or
    closed case gets its closure reason and dates. Pass ``children=[...]`` to
    put children in focus.
    """

    class Meta:
        model = Case
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    program = factory.SubFactory(ProgramFactory)
    team = factory.LazyAttribute(lambda case: case.family.team)
    coordinator = factory.LazyAttribute(lambda case: CoordinatorFactory(teams=[case.family.team]))
    status = Case.Status.ACTIVE
    summary = "Help with appointments and therapies."
    closure_reason = factory.LazyAttribute(
        lambda case: (
            Case.ClosureReason.GOALS_MET
            if case.status in (Case.Status.CLOSURE_REQUESTED, Case.Status.CLOSED)
            else ""
        )
    )
    closure_requested_at = factory.LazyAttribute(
        lambda case: (
            timezone.now() if case.status in (Case.Status.CLOSURE_REQUESTED, Case.Status.CLOSED) else None
        )
    )
    closed_at = factory.LazyAttribute(
        lambda case: timezone.now() if case.status == Case.Status.CLOSED else None
    )

    @factory.post_generation
    def children(self, create, extracted, **kwargs):
        if create and extracted:
            self.children.set(extracted)


class NeedFactory(factory.django.DjangoModelFactory):
    """An open household need for housing; pass ``category_code`` for another category.

    A need made in a resolved status gets a resolution note and date.
    """

    class Meta:
        model = Need

    class Params:
        category_code = ServiceCategory.Code.HOUSING

    case = factory.SubFactory(CaseFactory)
    child = None
    category = factory.LazyAttribute(lambda need: service_category(need.category_code))
    description = "Find stable housing near the children's school."
    status = Need.Status.OPEN
    resolution_note = factory.LazyAttribute(lambda need: "Settled." if need.status in Need.RESOLVED else "")
    resolved_at = factory.LazyAttribute(lambda need: timezone.now() if need.status in Need.RESOLVED else None)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    case = factory.SubFactory(CaseFactory)
    description = "We want our son to walk to school with his friends."
    next_steps = "Book physical therapy."
    target_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
    status = Goal.Status.ACTIVE
    shared_with_family = True


class ActivityFactory(factory.django.DjangoModelFactory):
    """A 15-minute call an hour ago."""

    class Meta:
        model = Activity

    case = factory.SubFactory(CaseFactory)
    kind = Activity.Kind.CALL
    with_whom = "Mother"
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    minutes = 15
    summary = "Talked through the week's appointments."


class TaskFactory(factory.django.DjangoModelFactory):
    """An open task for the case's coordinator, due in three days."""

    class Meta:
        model = Task

    case = factory.SubFactory(CaseFactory)
    title = "Call the family back"
    assignee = factory.LazyAttribute(lambda task: task.case.coordinator)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))


class EDVisitFactory(factory.django.DjangoModelFactory):
    """A mental-health crisis visit two days ago, discharged six hours later, on no case."""

    class Meta:
        model = EDVisit

    child = factory.SubFactory(ChildFactory)
    case = None
    hospital = "Children's Hospital"
    reason = EDVisit.Reason.MENTAL_HEALTH_CRISIS
    arrived_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))
    discharged_at = factory.LazyAttribute(lambda visit: visit.arrived_at + datetime.timedelta(hours=6))
