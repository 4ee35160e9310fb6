import pytest

from tests.cases.factories import CaseFactory, ChildFactory, FamilyFactory

from .factories import portal_caregiver


@pytest.fixture
def case(db):
    """An active case for the Hernández household (Spanish), with Mateo in focus."""
    family = FamilyFactory(name="Hernández household", preferred_language="es")
    mateo = ChildFactory(family=family, first_name="Mateo")
    return CaseFactory(family=family, children=[mateo])


@pytest.fixture
def family(case):
    return case.family


@pytest.fixture
def mateo(family):
    return family.children.get(first_name="Mateo")


@pytest.fixture
def caregiver_and_user(family):
    return portal_caregiver(family, first_name="María", last_name="Hernández", email="maria@example.org")


@pytest.fixture
def caregiver(caregiver_and_user):
    return caregiver_and_user[0]


@pytest.fixture
def family_user(caregiver_and_user):
    return caregiver_and_user[1]


@pytest.fixture
def coordinator(case):
    return case.coordinator
