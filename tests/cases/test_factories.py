"""The case factories make valid records, so other tests can rely on their defaults."""

import pytest

from cases.models import Program
from tests.cases import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [
        factories.ProgramFactory,
        factories.EDProgramFactory,
        factories.FamilyFactory,
        factories.CaregiverFactory,
        factories.ChildFactory,
        factories.ConsentFactory,
        factories.CaseFactory,
        factories.NeedFactory,
        factories.GoalFactory,
        factories.ActivityFactory,
        factories.TaskFactory,
        factories.EDVisitFactory,
    ],
    ids=lambda factory: factory.__name__,
)
def test_factory_default_passes_model_validation(factory):
    factory().full_clean()


@pytest.mark.parametrize("status", ["intake", "active", "closure_requested", "closed"])
def test_case_factory_makes_a_valid_case_in_every_status(status):
    case = factories.CaseFactory(status=status)

    case.full_clean()
    assert case.coordinator.teams.filter(pk=case.team_id).exists()
    assert case.team == case.family.team


@pytest.mark.parametrize("status", ["open", "in_progress", "met", "unmet", "declined"])
def test_need_factory_makes_a_valid_need_in_every_status(status):
    factories.NeedFactory(status=status).full_clean()


def test_program_factories_reuse_the_programs_from_the_migration():
    before = Program.objects.count()

    assert factories.general_program().kind == Program.Kind.GENERAL
    assert factories.ed_program().kind == Program.Kind.ED_FOLLOW_UP
    assert Program.objects.count() == before
