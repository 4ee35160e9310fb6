"""Shared test set-up: browser-test gating and common fixtures."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


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


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests speak English unless they switch language themselves."""
    settings.LANGUAGE_CODE = "en"
    settings.CELERY_TASK_ALWAYS_EAGER = True
