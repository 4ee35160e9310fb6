"""Shared test set-up: browser-test gating and common fixtures."""

import os
import shutil

import pytest
from hypothesis import HealthCheck, settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


# Property-based tests (hypothesis): the same examples on every CI run and every xdist worker, no
# example database kept between runs; locally, new examples each run and the failures remembered
# (in .hypothesis/). HYPOTHESIS_PROFILE chooses another profile.
settings.register_profile(
    "ci",
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(
    os.environ.get(
        "HYPOTHESIS_PROFILE",
        "ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "dev",
    )
)


def pytest_configure(config):
    """The suite runs with two database aliases, as a deployment with ``DATABASE_REPLICA_URL`` does.

    ``replica`` is a test mirror of ``default`` (the same test database); reads go
    to it only where ``CARECOORD_REPLICA_READS`` is on, which tests/test_replica.py
    turns on to watch the router send each query to its alias.
    """
    from django.db import connections

    if "replica" not in connections.settings:
        default = connections.settings["default"]
        connections.settings["replica"] = {**default, "TEST": {**default["TEST"], "MIRROR": "default"}}


def chromium_available():
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "browser" in item.keywords]
    for item in browser_items:
        # One xdist worker runs every browser test, so the demo data is seeded once (--dist loadgroup).
        item.add_marker(pytest.mark.xdist_group("browser"))
    if not browser_items or chromium_available():
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise pytest.UsageError(
            f"CI=true but Chromium was not found at {CHROMIUM}: browser tests must run in CI. "
            "Install it with `apt-get install chromium`."
        )
    config._carecoord_browser_skipped = len(browser_items)
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}")
    for item in browser_items:
        item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = getattr(config, "_carecoord_browser_skipped", 0)
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"SKIPPED {skipped} browser tests: Chromium not found at {CHROMIUM} "
            "(apt-get install chromium to run them)",
            yellow=True,
            bold=True,
        )


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Users are made in most tests; hashing their passwords properly is slow and tests nothing.

    Django's testing documentation recommends a fast hasher for tests. The
    override is enabled once for the session (and sends ``setting_changed``, so
    Django's cached list of hashers is rebuilt).
    """
    from django.test import override_settings

    override = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True, scope="session")
def _sessions_in_the_database():
    """Sessions live in the test database alone, even when ``REDIS_URL`` caches them in production.

    Tests roll their writes back (each test, and ``tests.database.rolled_back`` inside
    one), but a cache keeps what a rolled-back request stored: the next request would
    find a session whose row is gone and fail to save it. The cached engine is
    Django's own and adds nothing to test.
    """
    from django.test import override_settings

    override = override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db")
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests speak English unless they switch language themselves."""
    settings.LANGUAGE_CODE = "en"
    settings.CELERY_TASK_ALWAYS_EAGER = True


# One cast of people (healthchecks' alice, bob and charlie): a fixture name is the same person in
# every test module. Carmen coordinates the Hernández case on the North team, Jordan is her
# colleague there, Sam supervises North, Robin coordinates on the Harbor team and sees none of it.


@pytest.fixture
def team(db):
    """The North team, where the Hernández family is coordinated."""
    from tests.accounts.factories import TeamFactory

    return TeamFactory(name="North", phone="(555) 000-1234")


@pytest.fixture
def other_team(db):
    from tests.accounts.factories import TeamFactory

    return TeamFactory(name="Harbor", phone="(555) 000-9876")


@pytest.fixture
def coordinator(team):
    """Carmen Ortiz, coordinator on North: she works the Hernández case."""
    from tests.accounts.factories import CoordinatorFactory

    return CoordinatorFactory(teams=[team], first_name="Carmen", last_name="Ortiz", phone="(555) 010-7777")


@pytest.fixture
def colleague(team):
    """Jordan Lee, another coordinator on North."""
    from tests.accounts.factories import CoordinatorFactory

    return CoordinatorFactory(teams=[team], first_name="Jordan", last_name="Lee")


@pytest.fixture
def supervisor(team):
    """Sam Rivera, who leads North: reassigns its cases and approves their closures."""
    from tests.accounts.factories import SupervisorFactory

    return SupervisorFactory(teams=[team], first_name="Sam", last_name="Rivera")


@pytest.fixture
def outsider(other_team):
    """Robin Okafor, coordinator on Harbor: sees nothing of North."""
    from tests.accounts.factories import CoordinatorFactory

    return CoordinatorFactory(teams=[other_team], first_name="Robin", last_name="Okafor")


@pytest.fixture
def admin(db):
    """Alex, an administrator: every team."""
    from tests.accounts.factories import AdminFactory

    return AdminFactory(first_name="Alex", last_name="Admin")


@pytest.fixture
def family(team):
    """The Hernández household on North; they read Spanish."""
    from tests.cases.factories import FamilyFactory

    return FamilyFactory(team=team, name="Hernández household", preferred_language="es")


@pytest.fixture
def mateo(family):
    """Mateo Hernández, the youngest son."""
    from tests.cases.factories import ChildFactory

    return ChildFactory(family=family, first_name="Mateo")


@pytest.fixture
def case(family, mateo, coordinator):
    """Carmen's active case for the Hernández household, Mateo in focus."""
    from tests.cases.factories import CaseFactory

    return CaseFactory(family=family, coordinator=coordinator, children=[mateo])


@pytest.fixture
def consent(family):
    """The Hernández family's consent to share with any provider we refer to."""
    from tests.cases.factories import ConsentFactory

    return ConsentFactory(family=family)


@pytest.fixture
def caregiver_and_user(family):
    """María Hernández, the mother, signed up to the family portal: (caregiver, user)."""
    from tests.portal.factories import portal_caregiver

    return portal_caregiver(family, first_name="María", last_name="Hernández", email="maria@example.org")


@pytest.fixture
def caregiver(caregiver_and_user):
    return caregiver_and_user[0]


@pytest.fixture
def family_user(caregiver_and_user):
    return caregiver_and_user[1]


# Their twins on the Harbor team, whom nobody of North may see: the Quillfeather household, Zephyrine
# its daughter, Robin's case for them, their consent, Ottilie the mother with her own portal login.


@pytest.fixture
def other_family(other_team):
    """The Quillfeather household on Harbor: outside everything North's people see."""
    from tests.cases.factories import FamilyFactory

    return FamilyFactory(team=other_team, name="Quillfeather household")


@pytest.fixture
def other_child(other_family):
    from tests.cases.factories import ChildFactory

    return ChildFactory(family=other_family, first_name="Zephyrine")


@pytest.fixture
def other_case(other_family, other_child, outsider):
    """Robin's case for the Quillfeather household, Zephyrine in focus."""
    from tests.cases.factories import CaseFactory

    return CaseFactory(family=other_family, coordinator=outsider, children=[other_child])


@pytest.fixture
def other_consent(other_family):
    from tests.cases.factories import ConsentFactory

    return ConsentFactory(family=other_family)


@pytest.fixture
def other_caregiver(other_family):
    """Ottilie Quillfeather, the mother, with her own portal login."""
    from tests.portal.factories import portal_caregiver

    return portal_caregiver(other_family, first_name="Ottilie", last_name="Quillfeather")[0]
