"""Playwright driving Debian's Chromium against the live test server.

Playwright's own browser download does not work on our machines, so the
browser is launched from its system path. Screenshots go to test-artifacts/
(ignored by git): every test can save named ones, and a failing test saves one.

Every page any browser test opens is watched for Content-Security-Policy
violations (an inline script, style or event handler the policy blocked, a file
from elsewhere): a test during which the browser reported one fails, so a page
that only looks right, with a behaviour silently blocked, cannot pass.
"""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in this thread; the test itself
# touches the database synchronously, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test that passed fails after all when a page it opened reported a CSP violation."""
    result = yield
    violations = getattr(item, "csp_violations", None)
    if violations is not None:
        violations.assert_none()
    return result


# Runs in every page and frame before the page's own scripts (Playwright's init scripts are
# exempt from the page's policy); reportCspViolation is a binding into this process.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
  });
});
"""


class CspViolations:
    """The Content-Security-Policy violations that the pages of one test reported.

    Two witnesses: the page's ``securitypolicyviolation`` events, and Chromium's
    console errors about the policy (which also cover a page that navigated away
    before its event was delivered).
    """

    def __init__(self):
        self.found = []
        self.contexts = []

    def watch(self, context):
        context.expose_binding("reportCspViolation", self._from_event)
        context.add_init_script(script=REPORT_VIOLATIONS)
        context.on("console", self._from_console)
        self.contexts.append(context)

    def _from_event(self, source, report):
        where = f"{report['source']}:{report['line']}" if report["source"] else "an attribute"
        self.found.append(
            f"{source['page'].url}: {report['directive']} blocked {report['blocked'] or 'inline'} ({where})"
        )

    def _from_console(self, message):
        if "Content Security Policy" in message.text:
            self.found.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def assert_none(self):
        # A last round trip to every open page delivers the reports still on their way.
        for context in self.contexts:
            for page in context.pages:
                if not page.is_closed():
                    page.evaluate("() => 0")
        assert self.found == [], "Content-Security-Policy violations:\n" + "\n".join(self.found)


class WatchedBrowser:
    """The session's Chromium; each context it opens reports CSP violations to the running test."""

    def __init__(self, browser):
        self._browser = browser
        self.violations = None

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        self.violations.watch(context)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield WatchedBrowser(browser)
        browser.close()


@pytest.fixture(autouse=True)
def csp_violations(request, browser):
    """Every browser test is watched for CSP violations (see ``pytest_runtest_call``)."""
    violations = CspViolations()
    browser.violations = violations
    request.node.csp_violations = violations
    yield violations
    browser.violations = None


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


class Screenshots:
    def __init__(self, test_name):
        self.folder = ARTIFACTS
        self.test_name = _slug(test_name)
        self.folder.mkdir(parents=True, exist_ok=True)

    def save(self, page, name, full_page=True):
        path = self.folder / f"{self.test_name}--{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def screenshots(request):
    return Screenshots(request.node.name)


def _new_page(browser, request, viewport, locale="en-US"):
    context = browser.new_context(viewport=viewport, locale=locale)
    context.set_default_timeout(10_000)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(browser, request, live_server):
    context, page = _new_page(browser, request, DESKTOP)
    yield page
    _close(context, page, request)


@pytest.fixture
def phone_page(browser, request, live_server):
    context, page = _new_page(browser, request, PHONE)
    yield page
    _close(context, page, request)


def _close(context, page, request):
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        Screenshots(request.node.name).save(page, "failure")
    context.close()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo data set, seeded once per session as `make run` seeds it, kept as a serialized snapshot.

    Seeding goes through every app's services and takes seconds; restoring the
    snapshot into each browser test's fresh database takes a fraction of that.
    The seed itself is rolled back, so tests that do not ask for it start empty.
    """
    from django.db import connection, transaction

    from carecoord.demo import seed_demo

    with django_db_blocker.unblock(), transaction.atomic():
        logins = {username: password for _role, username, password in seed_demo()}
        snapshot = connection.creation.serialize_db_to_string()
        transaction.set_rollback(True)
    return logins, snapshot


@pytest.fixture
def demo_data(demo_snapshot, transactional_db):
    """The demo data, restored from the session's snapshot; returns the passwords by username."""
    from auditlog.context import disable_auditlog
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    logins, snapshot = demo_snapshot
    # The flush before this test made content types again under new ids; the snapshot's rows
    # (and the permissions and audit entries pointing at them) come back with their own ids.
    ContentType.objects.all().delete()
    # The snapshot holds the audit entries of the seeding already: restoring rows logs nothing new.
    with disable_auditlog():
        connection.creation.deserialize_db_from_string(snapshot)
    ContentType.objects.clear_cache()
    return dict(logins)


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
