"""Browser protections: the headers every response carries, and pages that need no inline code.

The pages are visited as each role over the demo data, the way a person would
reach them: from the role's start page, following every link and every htmx
fragment on the way (one page of each kind), so a page added later is checked
without being listed here.
"""

import json
import os
import re
import subprocess
import sys
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from portal import services as portal_services
from referrals.services import referral_link_token
from tests.accounts.factories import PASSWORD
from tests.referrals.factories import ReferralFactory
from tests.test_project import BASE_DIR, PRODUCTION_ENV

# The policy, directive by directive: nothing from elsewhere, nothing inline, never framed.
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
TURNED_OFF_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb"]


def directives(header):
    """A policy header as {directive: [values]}."""
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def cache_directives(response):
    return {
        part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()
    }


# Reading pages


class InlineCode(HTMLParser):
    """What a strict Content-Security-Policy would block in a page: inline code and files from elsewhere."""

    # <script> elements of these types are data for a script (json_script), never run.
    DATA_TYPES = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attributes.items():
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}>')
            elif re.fullmatch(r"on[a-z]+", name) or name.startswith("hx-on"):
                self.found.append(f"{name} handler on <{tag}>")
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"{name}={value} on <{tag}>")
        if tag == "style":
            self.found.append("<style> element")
        elif tag == "script" and "src" not in attributes:
            if attributes.get("type") not in self.DATA_TYPES:
                self.found.append("inline <script>")
        elif tag == "script" or (tag == "link" and "stylesheet" in (attributes.get("rel") or "")):
            address = attributes.get("src") or attributes.get("href") or ""
            if not address.startswith("/") or address.startswith("//"):
                self.found.append(f"<{tag}> from elsewhere: {address}")

    handle_startendtag = handle_starttag


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Not followed: static files, the admin's sign-out, and the PDF (WeasyPrint may be missing here).
NOT_FOLLOWED = re.compile(r"^/(static|admin/logout)/|\.pdf$")
LINK = re.compile(r'(?:href|hx-get)="([^"#]*)')


def kind_of_page(url, fragment):
    """Pages of one kind share this: the address without its record ids, and the query's names.

    In the admin site every model's list and change form are their own kind (each has its own
    widgets and inlines); its add, history and delete pages, and the list's filters and sort
    orders, render the same templates for every model.
    """
    address = urlsplit(url)
    path = re.sub(r"/\d+/", "/N/", UUID.sub("U", address.path))
    query = address.query
    if path.startswith("/admin/"):
        path, query = re.sub(r"^/admin/\w+/\w+/(N/history|N/delete|add)/$", r"/admin/*/*/\1/", path), ""
    return path, tuple(sorted({name for name, _value in parse_qsl(query)})), fragment


def visit_as(client, start, *, limit=250):
    """Every kind of page reachable from ``start``: {(url, fragment?): response}."""
    queue = deque([(start, False)])
    kinds, pages = set(), {}
    while queue and len(pages) < limit:
        url, fragment = queue.popleft()
        kind = kind_of_page(url, fragment)
        if kind in kinds or NOT_FOLLOWED.search(urlsplit(url).path):
            continue
        kinds.add(kind)
        headers = {"HTTP_HX_REQUEST": "true"} if fragment else {}
        response = client.get(url, **headers)
        pages[(url, fragment)] = response
        if response.status_code in {301, 302}:
            queue.append((response["Location"], False))
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for match in LINK.finditer(html):
            link = match.group(1).replace("&amp;", "&")
            if link.startswith("?"):
                link = urlsplit(url).path + link
            if link.startswith("/"):
                queue.append((link, match.group(0).startswith("hx-get")))
    return pages


@pytest.fixture(scope="module")
def pages_by_role(django_db_setup, django_db_blocker):
    """Each demo login's pages, and the anonymous ones: {role: {(url, fragment): response}}.

    The demo data is seeded once for the module, in a transaction rolled back at the end.
    """
    from carecoord.demo import seed_demo

    visited = {}
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        visited["anonymous"] = visit_as(Client(), reverse("login"))
        for role, username in [
            ("coordinator", "coordinator"),
            ("supervisor", "supervisor"),
            ("family", "family"),
            ("admin", "admin"),
        ]:
            client = Client()
            client.force_login(User.objects.get(username=username))
            visited[role] = visit_as(client, "/")
        transaction.set_rollback(True)
    return visited


def html_pages(pages):
    return {
        key: response
        for key, response in pages.items()
        if response.status_code == 200 and "text/html" in response.get("Content-Type", "")
    }


def crawled(test):
    """The tests of the crawl: on one worker, since it is seeded once per module.

    The database mark makes pytest-django set the test database up for the
    module fixture on whichever worker runs them.
    """
    return pytest.mark.django_db(pytest.mark.xdist_group("security-headers-crawl")(test))


@crawled
def test_every_role_reaches_its_main_pages(pages_by_role):
    """The crawl below checks something: each role reached the pages it works in."""
    reached = {role: {url for url, _fragment in html_pages(pages)} for role, pages in pages_by_role.items()}
    assert len(reached["coordinator"]) > 20
    assert any(re.fullmatch(rf"/cases/{UUID.pattern}/", url) for url in reached["coordinator"])
    assert "/supervision/reports/" in reached["supervisor"]
    assert any(urlsplit(url).path.endswith(".csv") for url, _fragment in pages_by_role["supervisor"])
    assert {"/portal/", "/portal/summary/", "/portal/calendar/"} <= reached["family"]
    assert sum(url.startswith("/admin/") for url in reached["admin"]) > 30
    assert "/accounts/password_reset/" in reached["anonymous"]


@crawled
def test_no_page_renders_an_inline_script_style_attribute_or_event_handler(pages_by_role):
    found = {
        f"{role} {url}{' (htmx fragment)' if fragment else ''}": problems
        for role, pages in pages_by_role.items()
        for (url, fragment), response in html_pages(pages).items()
        if (problems := inline_code(response.content.decode()))
    }
    assert found == {}


@crawled
def test_every_page_carries_the_policy(pages_by_role):
    without = [
        f"{role} {url}"
        for role, pages in pages_by_role.items()
        for (url, _fragment), response in html_pages(pages).items()
        if directives(response.get("Content-Security-Policy", "")) != POLICY
    ]
    assert without == []


@crawled
def test_signed_in_pages_answer_no_store_private(pages_by_role):
    cacheable = [
        f"{role} {url} {response.get('Cache-Control')}"
        for role, pages in pages_by_role.items()
        if role != "anonymous"
        for (url, _fragment), response in pages.items()
        if not {"no-store", "private"} <= cache_directives(response)
    ]
    assert cacheable == []


# The policy


@pytest.mark.django_db
def test_a_signed_in_case_page_carries_a_csp_without_unsafe_keywords(client, coordinator, case):
    client.force_login(coordinator)
    response = client.get(reverse("cases:case-detail", args=[case.uuid]))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert directives(policy) == POLICY
    assert "unsafe" not in policy
    assert "nonce" not in policy


@pytest.mark.django_db
def test_the_policy_is_enforced_not_only_reported(client):
    response = client.get(reverse("login"))
    assert "Content-Security-Policy" in response
    assert "Content-Security-Policy-Report-Only" not in response


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE_IN_TEMPLATE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|\shx-on|javascript:", re.IGNORECASE
)


def test_no_template_holds_inline_code():
    """Second check, for templates no crawl reaches: none writes inline script, style or handlers."""
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in INLINE_IN_TEMPLATE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


# Caching


@pytest.mark.django_db
def test_calendar_feed_answers_no_store_private(client, caregiver, family_user):
    feed = portal_services.calendar_feed_create(caregiver=caregiver, actor=family_user)
    secret = portal_services.calendar_feed_secret(feed)
    response = client.get(reverse("portal:calendar-feed", args=[feed.uuid, secret]))
    assert response.status_code == 200
    assert {"no-store", "private"} <= cache_directives(response)


@pytest.mark.django_db
def test_organization_link_pages_answer_no_store_private(client, case):
    referral = ReferralFactory(need__case=case)
    real = referral_link_token(referral)
    tampered = real[:-1] + ("A" if real[-1] != "A" else "B")
    for token in (real, tampered):
        response = client.get(reverse("referrals:organization-link", args=[token]))
        assert response.status_code in {200, 404}
        assert {"no-store", "private"} <= cache_directives(response), token


@pytest.mark.django_db
def test_portal_invitation_pages_answer_no_store_private(client, family, coordinator):
    from tests.cases.factories import CaregiverFactory

    caregiver = CaregiverFactory(family=family, email="rosa@example.org")
    _invitation, link = portal_services.invitation_create(
        caregiver=caregiver, actor=coordinator, link_for=lambda token: token
    )
    for token in (link, "A" * 43):
        response = client.get(reverse("portal:invitation-accept", args=[token]))
        assert response.status_code in {200, 404}
        assert {"no-store", "private"} <= cache_directives(response), token


@pytest.mark.django_db
def test_password_reset_confirm_pages_answer_no_store_private(client, coordinator):
    uid = urlsafe_base64_encode(force_bytes(coordinator.pk))
    token = default_token_generator.make_token(coordinator)
    link = client.get(reverse("password_reset_confirm", args=[uid, token]))
    # Django moves the token into the session and shows the form at a token-free address.
    form = client.get(link["Location"])
    refused = client.get(reverse("password_reset_confirm", args=[uid, "abc-" + "0" * 32]))
    for response in (link, form, refused):
        assert {"no-store", "private"} <= cache_directives(response)
    assert form.status_code == 200


@pytest.mark.django_db
def test_an_anonymous_public_page_is_not_made_uncacheable(client):
    response = client.get(reverse("password_reset_done"))
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)


@pytest.mark.django_db
def test_static_files_stay_cacheable_for_a_signed_in_user(client, coordinator, settings):
    settings.WHITENOISE_USE_FINDERS = True
    client.force_login(coordinator)
    response = client.get("/static/css/carecoord.css")
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)
    assert re.search(r"max-age=[1-9]", response["Cache-Control"])


# Permissions-Policy


@pytest.mark.django_db
def test_every_response_turns_off_camera_microphone_location_payment_and_usb(client, coordinator, settings):
    settings.WHITENOISE_USE_FINDERS = True
    client.force_login(coordinator)
    for url in (reverse("cases:caseload"), reverse("login"), "/static/css/carecoord.css"):
        policy = dict(
            feature.strip().split("=", 1) for feature in client.get(url)["Permissions-Policy"].split(",")
        )
        assert {feature: policy.get(feature) for feature in TURNED_OFF_FEATURES} == dict.fromkeys(
            TURNED_OFF_FEATURES, "()"
        ), url


# Production mode (DJANGO_DEBUG=0)

# Run with production settings: the sign-in page over HTTPS and over HTTP, its cookies, the cookie settings.
PRODUCTION_HEADERS = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
# No collectstatic here: the files' hashed names do not matter to the headers.
plain_storage = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
settings.STORAGES = {**settings.STORAGES, "staticfiles": plain_storage}
client = Client(HTTP_HOST="carecoord.example.org")
page = client.get("/accounts/login/", secure=True)
plain = client.get("/accounts/login/")
csrf = page.cookies[settings.CSRF_COOKIE_NAME]
cookie_settings = {
    name: getattr(settings, name)
    for prefix in ("SESSION", "CSRF", "LANGUAGE")
    for name in (f"{prefix}_COOKIE_SECURE", f"{prefix}_COOKIE_HTTPONLY", f"{prefix}_COOKIE_SAMESITE")
}
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "csrf_cookie": {name: csrf[name] for name in ("secure", "httponly", "samesite")},
    "plain": [plain.status_code, plain.get("Location")],
    "settings": cookie_settings,
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The sign-in page as production serves it (a subprocess with DJANGO_DEBUG=0)."""
    database = tmp_path_factory.mktemp("production") / "db.sqlite3"
    served = subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, "-c", PRODUCTION_HEADERS],
        cwd=BASE_DIR,
        env={
            **os.environ,
            **PRODUCTION_ENV,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "carecoord.settings",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert served.returncode == 0, served.stderr
    return json.loads(served.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_for_a_year_with_subdomains_and_preload(production):
    assert production["status"] == 200
    assert (
        production["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    )


def test_production_redirects_plain_http_to_https(production):
    assert production["plain"] == [301, "https://carecoord.example.org/accounts/login/"]


def test_production_pages_refuse_frames_sniffing_and_cross_site_referrers(production):
    headers = production["headers"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert directives(headers["Content-Security-Policy"]) == POLICY
    assert "camera=()" in headers["Permissions-Policy"]


def test_production_cookies_are_secure_http_only_and_same_site(production):
    assert production["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert production["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_HTTPONLY": True,
        "LANGUAGE_COOKIE_SAMESITE": "Lax",
    }


@pytest.mark.django_db
def test_session_cookie_of_a_sign_in_is_http_only_and_same_site(client, coordinator):
    client.post(reverse("login"), {"username": coordinator.username, "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
