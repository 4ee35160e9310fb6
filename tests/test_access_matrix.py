"""The access matrix: every address of the application, who reaches it, and what a refusal leaves behind.

``MATRIX`` has one row per URL pattern (a few patterns have a second row for
another query). A row names the URL, the record whose address it is (a fixture
of the shared cast or of this module: ``case``, and its twin ``other_case`` on
the Harbor team) and what each person gets:

* anonymous visitors, who are sent to sign in;
* María (``family_user``), the Hernández family's portal login: their records
  are "own", the Harbor household's "other";
* Carmen (``coordinator``) and Sam (``supervisor``) of North: North's records
  are "own", Harbor's "other" (outside their scope: a 404, never a 403);
* Alex (``admin``), who works every team.

Each person requests the address with GET, then POSTs an empty body to it.
Every refused request (sign-in, 404, 403, 405...) must leave the database as
it was, and so must an allowed empty POST unless the row says the action
writes (``writes=True``: an action button such as "mark read"). Each request
runs in a savepoint that is rolled back, so one person's action never changes
what the next one meets. The Harbor household has a case in every list
(waiting for closure, an overdue task, a late referral...), and no page shown
to anyone but the administrator may name it.

A URL pattern without a row fails ``test_every_url_pattern_has_a_row``: add a
``Row`` for it (the presets below say most of it) and, when its address needs a
new kind of record, a fixture pair ``thing`` / ``other_thing``. The Django
admin site is one rule (``test_admin_site_is_for_administrators_only``).
"""

from dataclasses import dataclass

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal import services as portal_services
from portal.models import new_secret, secret_hash
from referrals.services import referral_link_token
from tests.cases.factories import (
    CaregiverFactory,
    EDVisitFactory,
    GoalFactory,
    NeedFactory,
    TaskFactory,
)
from tests.database import changed_tables, database_state, rolled_back
from tests.notifications.factories import NotificationFactory
from tests.referrals.factories import AppointmentFactory, ReferralFactory, ServiceFactory
from tests.screening import factories as screening_factories

pytestmark = pytest.mark.django_db

ANONYMOUS, FAMILY, COORDINATOR, SUPERVISOR, ADMIN = (
    "anonymous",
    "family_user",
    "coordinator",
    "supervisor",
    "admin",
)
ACTORS = (ANONYMOUS, FAMILY, COORDINATOR, SUPERVISOR, ADMIN)
# A redirect to the sign-in page that keeps the address asked for in ?next=.
LOGIN = "sign-in"
# What the Harbor household is called on every page that must not show it.
OTHER_MARKS = ("Quillfeather", "Okafor")
REFUSED = {LOGIN, 400, 401, 403, 404, 405, 410}


# Who gets what. A value is a status for both records, or (own record, other record).


def everyone(status):
    return dict.fromkeys(ACTORS, status)


def staff(ok=200):
    """Staff pages without a record in the address."""
    return {ANONYMOUS: LOGIN, FAMILY: 404, COORDINATOR: ok, SUPERVISOR: ok, ADMIN: ok}


def staff_record(ok=200):
    """A record of a team: its staff and administrators; another team's is a 404."""
    return {ANONYMOUS: LOGIN, FAMILY: 404, COORDINATOR: (ok, 404), SUPERVISOR: (ok, 404), ADMIN: ok}


def supervisors(ok=200):
    """Supervision pages: supervisors and administrators."""
    return {ANONYMOUS: LOGIN, FAMILY: 404, COORDINATOR: 404, SUPERVISOR: ok, ADMIN: ok}


def supervised_record(ok=200):
    """A case a supervisor of its team reviews, approves or returns."""
    return {ANONYMOUS: LOGIN, FAMILY: 404, COORDINATOR: 404, SUPERVISOR: (ok, 404), ADMIN: ok}


def family_only(ok=200):
    """Portal pages: the family's own, found through the signed-in caregiver (no record in the address)."""
    return {ANONYMOUS: LOGIN, FAMILY: ok, COORDINATOR: 404, SUPERVISOR: 404, ADMIN: 404}


def signed_in(ok=200, anonymous=LOGIN):
    return {ANONYMOUS: anonymous, FAMILY: ok, COORDINATOR: ok, SUPERVISOR: ok, ADMIN: ok}


def by_uuid(name, record):
    return reverse(name, kwargs={"uuid": record.uuid})


def with_query(key, attribute="uuid"):
    """The record goes in the query string: ``?need=<uuid>``."""

    def address(name, record):
        return f"{reverse(name)}?{key}={getattr(record, attribute)}"

    return address


def with_token(name, token):
    return reverse(name, kwargs={"token": token})


def fixed(suffix="", **kwargs):
    """An address without a record: ``reverse(name, kwargs=kwargs)`` and a query string."""

    def address(name, record):
        return reverse(name, kwargs=kwargs or None) + suffix

    return address


@dataclass(frozen=True)
class Row:
    name: str  # the URL's name, e.g. "cases:case-detail"
    get: dict  # actor -> status, or (own record, other record)
    post: dict | None = None  # the same for an empty POST; by default as GET
    target: str | None = None  # fixture of the record in the address; its twin is "other_" + target
    other: str | None = "default"  # the twin's fixture name, or None for a record with no out-of-scope twin
    address: object = None  # (name, record) -> URL; by_uuid for a target, else fixed()
    writes: bool = False  # an allowed empty POST may change the database (an action button)
    label: str = ""  # tells apart two rows of one URL

    @property
    def id(self):
        return f"{self.name}{'[' + self.label + ']' if self.label else ''}"

    def records(self, request):
        if self.target is None:
            return [("", None)]
        other = "other_" + self.target if self.other == "default" else self.other
        found = [("own", request.getfixturevalue(self.target))]
        if other:
            found.append(("other", request.getfixturevalue(other)))
        return found

    def url(self, record):
        address = self.address or (by_uuid if self.target else fixed())
        return address(self.name, record)

    def expected(self, method, actor, which):
        table = self.get if method == "get" or self.post is None else self.post
        value = table[actor]
        if isinstance(value, tuple):
            return value[0 if which in ("own", "") else 1]
        return value


POST_ONLY = staff(405)

MATRIX = [
    # The project's own addresses.
    Row("home", get={ANONYMOUS: LOGIN, FAMILY: 302, COORDINATOR: 302, SUPERVISOR: 302, ADMIN: 200}),
    Row("healthz", get=everyone(200), post=everyone(405)),
    Row("set_language", get=everyone(405), post=everyone(302)),
    # Signing in, out, and passwords (django.contrib.auth).
    Row("login", get=signed_in(302, anonymous=200)),
    Row("logout", get=everyone(405), post=everyone(302), writes=True),
    Row("password_change", get=signed_in()),
    Row("password_change_done", get=signed_in(), post=signed_in(405)),
    Row("password_reset", get=everyone(200)),
    Row("password_reset_done", get=everyone(200), post=everyone(405)),
    Row("password_reset_complete", get=everyone(200), post=everyone(405)),
    Row(
        "password_reset_confirm",
        get=everyone((302, 200)),  # a valid link goes on to the new-password form; a tampered one says so
        target="reset_link",
        other="tampered_reset_link",
        address=lambda name, link: reverse(name, kwargs=link.kwargs()),
    ),
    # accounts
    Row("accounts:team-list", get=staff()),
    Row("accounts:team-detail", get=staff_record(), target="team"),
    Row("accounts:session", get=signed_in(anonymous=401)),
    Row("accounts:two-factor", get=staff()),
    Row("accounts:two-factor-setup", get=staff(), writes=True),  # the page starts an unconfirmed device
    Row("accounts:two-factor-verify", get=staff(302)),  # no device yet: sent to set one up
    # cases: lists
    Row("cases:caseload", get=staff(), address=fixed("?scope=team")),
    Row("cases:caseload-export", get=staff(), address=fixed("?scope=team")),
    Row("cases:search", get=staff(), address=fixed("?q=household")),
    Row("cases:intake", get=staff()),
    # cases: a household and its people
    Row("cases:family-detail", get=staff_record(), target="family"),
    Row("cases:family-edit", get=staff_record(), target="family"),
    Row("cases:family-archive", get=staff_record(), target="family"),
    Row("cases:family-unarchive", get=POST_ONLY, post=staff_record(302), target="family", writes=True),
    Row("cases:caregiver-add", get=staff_record(), target="family"),
    Row("cases:child-add", get=staff_record(), target="family"),
    Row("cases:consent-add", get=staff_record(), target="family"),
    Row("cases:case-open", get=staff_record(), target="family"),
    Row("cases:caregiver-edit", get=staff_record(), target="caregiver"),
    Row("cases:child-edit", get=staff_record(), target="mateo", other="other_child"),
    Row("cases:edvisit-add", get=staff_record(), target="mateo", other="other_child"),
    Row("cases:edvisit-edit", get=staff_record(), target="ed_visit"),
    Row("cases:consent-withdraw", get=staff_record(), target="consent"),
    # cases: the case page and its parts
    # Another team's case offers its staff the emergency-access page instead (it reveals nothing).
    Row(
        "cases:case-detail",
        get={ANONYMOUS: LOGIN, FAMILY: 404, COORDINATOR: (200, 302), SUPERVISOR: (200, 302), ADMIN: 200},
        target="case",
    ),
    # The team's own staff are sent to the case; administrators see every case and never need it.
    Row(
        "cases:emergency-access",
        get={ANONYMOUS: LOGIN, FAMILY: 404, COORDINATOR: (302, 200), SUPERVISOR: (302, 200), ADMIN: 404},
        target="case",
    ),
    Row("cases:case-edit", get=staff_record(), target="case"),
    Row("cases:case-history", get=staff_record(), target="case"),
    Row("cases:case-activate", get=POST_ONLY, post=staff_record(302), target="case", writes=True),
    Row("cases:case-closure-request", get=staff_record(), target="case"),
    Row("cases:case-closure-approve", get=supervised_record(), target="case"),
    Row("cases:case-closure-return", get=supervised_record(), target="case"),
    Row("cases:case-reopen", get=staff_record(), target="case"),
    Row("cases:need-add", get=staff_record(), target="case"),
    Row("cases:goal-add", get=staff_record(), target="case"),
    Row("cases:activity-add", get=staff_record(), target="case"),
    Row("cases:task-add", get=staff_record(), target="case"),
    Row("cases:need-edit", get=staff_record(), target="need"),
    Row("cases:need-status", get=staff_record(), target="need"),
    Row("cases:goal-edit", get=staff_record(), target="goal"),
    Row("cases:task-complete", get=POST_ONLY, post=staff_record(302), target="task", writes=True),
    # referrals and appointments
    Row("referrals:referral-list", get=staff(), address=fixed("?status=")),
    Row("referrals:referral-new", get=staff_record(), target="need", address=with_query("need")),
    Row("referrals:referral-detail", get=staff_record(), target="referral"),
    Row("referrals:referral-status", get=staff_record(), target="referral"),
    Row(
        "referrals:referral-link-revoke",
        get=POST_ONLY,
        post=staff_record(302),
        target="referral",
        writes=True,
    ),
    Row("referrals:appointment-new", get=staff_record(), target="case", address=with_query("case")),
    Row(
        "referrals:appointment-new",
        get=staff_record(),
        target="referral",
        address=with_query("referral"),
        label="from a referral",
    ),
    Row("referrals:appointment-edit", get=staff_record(), target="appointment"),
    Row("referrals:appointment-outcome", get=staff_record(), target="appointment"),
    # The HSDS API: by default it asks every caller for a token (tests/referrals/test_hsds_api.py reads it).
    *(
        Row(f"hsds:{name}", get=everyone(401), post=everyone(405), address=fixed(**kwargs))
        for name, kwargs in (
            ("root", {}),
            ("openapi", {}),
            ("service-list", {}),
            ("service-detail", {"id": "x"}),
            ("organization-list", {}),
            ("organization-detail", {"id": "x"}),
            ("taxonomy-list", {}),
            ("taxonomy-detail", {"id": "x"}),
            ("taxonomy-term-list", {}),
            ("taxonomy-term-detail", {"id": "x"}),
            ("service-at-location-list", {}),
            ("service-at-location-detail", {"id": "x"}),
        )
    ),
    Row("referrals:directory-search", get=staff()),
    Row(
        "referrals:directory-search",
        get=staff_record(),
        target="need",
        address=with_query("need"),
        label="for a need",
    ),
    # The directory is the whole region's: every staff user reads every service.
    Row("referrals:service-detail", get=staff(), target="service", other=None),
    Row(
        "referrals:service-detail",
        get=staff_record(),
        target="need",
        address=lambda name, need: (
            f"{reverse(name, kwargs={'uuid': need.directory_service.uuid})}?need={need.uuid}"
        ),
        label="for a need",
    ),
    # The receiving organization's link: the token is the key, whoever holds it.
    Row(
        "referrals:organization-link",
        get=everyone((200, 404)),
        target="organization_token",
        other="tampered_organization_token",
        address=with_token,
        writes=True,  # reading the referral is in the audit log
    ),
    # The family portal.
    Row("portal:home", get=family_only()),
    Row("portal:summary-print", get=family_only()),
    Row("portal:summary-pdf", get=family_only()),
    Row("portal:calendar", get=family_only(), post=family_only(302), writes=True),
    Row(
        "portal:calendar-feed",
        get=everyone((200, 404)),
        post=everyone(405),
        target="calendar_address",
        other="tampered_calendar_address",
        address=lambda name, feed_and_secret: reverse(name, args=feed_and_secret),
    ),
    Row(
        "portal:calendar-feed-legacy",
        get=everyone((200, 404)),
        post=everyone(405),
        target="legacy_calendar_token",
        other="tampered_legacy_calendar_token",
        address=with_token,
    ),
    Row(
        "portal:invitation-accept",
        get=everyone((200, 404)),
        target="invitation_token",
        other="tampered_invitation_token",
        address=with_token,
    ),
    Row(
        "portal:invitation-create",
        get=POST_ONLY,
        post=staff_record(302),
        target="uninvited_caregiver",
        other="other_caregiver",
        writes=True,
    ),
    Row("portal:access-remove", get=staff_record(), post=staff_record(302), target="caregiver", writes=True),
    Row(
        "portal:invitation-revoke",
        get=POST_ONLY,
        post=staff_record(302),
        target="invitation",
        writes=True,
    ),
    # Social-needs screening: the records of a case's team.
    Row("screening:screening-new", get=staff_record(), target="case"),
    Row(
        "screening:screening-new",
        get=staff_record(),
        target="case",
        address=lambda name, case: (
            f"{by_uuid(name, case)}?instrument={screening_factories.instrument('hvs').uuid}"
        ),
        label="with an instrument",
    ),
    Row("screening:screening-send", get=staff_record(), target="case"),
    Row("screening:screening-detail", get=staff_record(), target="screening"),
    Row("screening:screening-answers", get=staff_record(), target="screening_in_progress"),
    Row("screening:screening-withdraw", get=staff_record(), target="screening_in_progress"),
    Row("screening:proposal-confirm", get=staff_record(), target="proposal"),
    Row("screening:proposal-dismiss", get=staff_record(), target="proposal"),
    # Supervision.
    Row("supervision:overview", get=supervisors()),
    Row("supervision:case-list", get=supervisors()),
    Row("supervision:reassign", get=supervisors()),
    Row("supervision:case-review", get=supervised_record(), target="case"),
    Row("supervision:family-access", get=supervised_record(), target="family"),
    Row("supervision:task-list", get=supervisors()),
    Row("supervision:referral-list", get=supervisors()),
    Row("supervision:closure-queue", get=supervisors()),
    Row("supervision:reports", get=supervisors()),
    Row("supervision:report-csv", get=supervisors(), address=fixed(name="cases"), writes=True),
    Row(
        "supervision:report-csv",
        # Another team is not among the form's choices: the download is refused as a bad request.
        get={ANONYMOUS: LOGIN, FAMILY: 404, COORDINATOR: 404, SUPERVISOR: (200, 400), ADMIN: 200},
        target="team",
        address=lambda name, team: f"{reverse(name, kwargs={'name': 'cases'})}?team={team.uuid}",
        writes=True,  # the download is recorded
        label="for a team",
    ),
    # The staff inbox: each person's own items only (administrators included).
    Row("notifications:inbox", get=staff()),
    Row("notifications:preferences", get=staff()),
    Row("notifications:mark-all-read", get=POST_ONLY, post=staff(302), writes=True),
    Row(
        "notifications:open",
        get=POST_ONLY,
        post={ANONYMOUS: LOGIN, FAMILY: 404, COORDINATOR: (302, 404), SUPERVISOR: 404, ADMIN: 404},
        target="notification",
        writes=True,
    ),
    Row(
        "notifications:mark-read",
        get=POST_ONLY,
        post={ANONYMOUS: LOGIN, FAMILY: 404, COORDINATOR: (302, 404), SUPERVISOR: 404, ADMIN: 404},
        target="notification",
        writes=True,
    ),
]


# The records of the addresses: North's (the shared cast) and their Harbor twins.


@pytest.fixture
def uninvited_caregiver(family):
    """María's sister-in-law, a caregiver of the Hernández household without a portal login yet."""
    return CaregiverFactory(family=family, first_name="Rosa", email="")


def _invite(caregiver, actor):
    return portal_services.invitation_create(caregiver=caregiver, actor=actor, link_for=lambda token: token)


@pytest.fixture
def invitation_and_token(uninvited_caregiver, coordinator):
    return _invite(uninvited_caregiver, coordinator)


@pytest.fixture
def invitation(invitation_and_token):
    return invitation_and_token[0]


@pytest.fixture
def invitation_token(invitation_and_token):
    return invitation_and_token[1]


@pytest.fixture
def tampered_invitation_token(invitation_token):
    return tamper(invitation_token)


@pytest.fixture
def other_invitation(other_family, outsider):
    return _invite(CaregiverFactory(family=other_family, email=""), outsider)[0]


@pytest.fixture
def ed_visit(mateo):
    return EDVisitFactory(child=mateo)


@pytest.fixture
def other_ed_visit(other_child):
    return EDVisitFactory(child=other_child)


@pytest.fixture
def need(case, mateo, service):
    need = NeedFactory(case=case, child=mateo, category_code="physical_therapy")
    need.directory_service = service
    return need


@pytest.fixture
def other_need(other_case, other_child, service):
    need = NeedFactory(case=other_case, child=other_child, category_code="physical_therapy")
    need.directory_service = service
    return need


@pytest.fixture
def goal(case):
    return GoalFactory(case=case)


@pytest.fixture
def other_goal(other_case):
    return GoalFactory(case=other_case)


@pytest.fixture
def task(case):
    return TaskFactory(case=case)


@pytest.fixture
def other_task(other_case):
    return TaskFactory(case=other_case)


@pytest.fixture
def referral(need):
    return ReferralFactory(need=need)


@pytest.fixture
def other_referral(other_need):
    return ReferralFactory(need=other_need)


@pytest.fixture
def appointment(case, mateo):
    return AppointmentFactory(case=case, child=mateo)


@pytest.fixture
def other_appointment(other_case, other_child):
    return AppointmentFactory(case=other_case, child=other_child)


@pytest.fixture
def service(db):
    return ServiceFactory(name="Lighthouse Physical Therapy")


@pytest.fixture
def notification(coordinator):
    return NotificationFactory(recipient=coordinator)


@pytest.fixture
def other_notification(outsider):
    return NotificationFactory(recipient=outsider, params={"organization": "Clinic", "child": "Zephyrine"})


@pytest.fixture
def screening(case, caregiver):
    """A finished Hunger Vital Sign of the Hernández family, food positive: a proposal waits."""
    answers = {"88122-7": [screening_factories.OFTEN], "88123-5": [screening_factories.NEVER]}
    return screening_factories.administer(case, caregiver, answers, code="hvs")


@pytest.fixture
def other_screening(other_case, other_caregiver):
    answers = {"88122-7": [screening_factories.OFTEN], "88123-5": [screening_factories.NEVER]}
    return screening_factories.administer(other_case, other_caregiver, answers, code="hvs")


@pytest.fixture
def screening_in_progress(case, caregiver):
    return screening_factories.administer(case, caregiver, {}, code="hvs", finish=False)


@pytest.fixture
def other_screening_in_progress(other_case, other_caregiver):
    return screening_factories.administer(other_case, other_caregiver, {}, code="hvs", finish=False)


@pytest.fixture
def proposal(screening):
    return screening.proposals.get()


@pytest.fixture
def other_proposal(other_screening):
    return other_screening.proposals.get()


@pytest.fixture
def organization_token(referral):
    return referral_link_token(referral)


@pytest.fixture
def tampered_organization_token(organization_token):
    return tamper(organization_token)


@pytest.fixture
def calendar_feed(caregiver, family_user):
    return portal_services.calendar_feed_create(caregiver=caregiver, actor=family_user)


@pytest.fixture
def calendar_address(calendar_feed):
    return (calendar_feed.uuid, portal_services.calendar_feed_secret(calendar_feed))


@pytest.fixture
def tampered_calendar_address(calendar_address):
    return (calendar_address[0], tamper(calendar_address[1]))


@pytest.fixture
def legacy_calendar_token(calendar_feed):
    """An address made before addresses were derived from a key: its token's hash is all that is kept."""
    token = new_secret()
    type(calendar_feed).objects.filter(pk=calendar_feed.pk).update(legacy_token_hash=secret_hash(token))
    return token


@pytest.fixture
def tampered_legacy_calendar_token(legacy_calendar_token):
    return tamper(legacy_calendar_token)


@dataclass(frozen=True)
class ResetLink:
    """The address of a password reset email, made when it is asked for (a sign-in ends older links)."""

    user: object
    tampered: bool = False

    def kwargs(self):
        self.user.refresh_from_db()
        token = default_token_generator.make_token(self.user)
        return {
            "uidb64": urlsafe_base64_encode(force_bytes(self.user.pk)),
            "token": tamper_hex(token) if self.tampered else token,
        }


@pytest.fixture
def reset_link(coordinator):
    return ResetLink(coordinator)


@pytest.fixture
def tampered_reset_link(coordinator):
    return ResetLink(coordinator, tampered=True)


def tamper_hex(token):
    """The same hexadecimal-ending token with its last digit changed."""
    return token[:-1] + ("0" if token[-1] != "0" else "1")


def tamper(token):
    """The same token with its last character changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.fixture
def harbor_in_every_list(
    other_case, other_need, other_referral, other_task, other_appointment, other_notification
):
    """Harbor rows that every list page would show if it ignored teams: urgent, overdue, waiting, due."""
    today = timezone.localdate()
    type(other_case).objects.filter(pk=other_case.pk).update(
        status="closure_requested",
        closure_reason="goals_met",
        closure_requested_at=timezone.now(),
        urgent=True,
    )
    type(other_task).objects.filter(pk=other_task.pk).update(due_on=today - timezone.timedelta(days=10))
    type(other_referral).objects.filter(pk=other_referral.pk).update(
        acknowledge_due=today - timezone.timedelta(days=10)
    )


# Running the matrix.


def signed_in_client(request, actor):
    client = Client()
    if actor != ANONYMOUS:
        client.force_login(request.getfixturevalue(actor))
    return client


def check_status(response, expected):
    if expected == LOGIN:
        location = response.headers.get("Location", "")
        return response.status_code == 302 and location.startswith(reverse("login") + "?next=")
    return response.status_code == expected


def shows_other(response):
    if response.status_code != 200 or response.streaming:
        return False
    content = response.content.decode(errors="replace")
    return any(mark in content for mark in OTHER_MARKS)


@dataclass(frozen=True)
class Request:
    method: str
    actor: str
    which: str
    url: str
    expected: object

    def __str__(self):
        record = f" ({self.which} record)" if self.which else ""
        return f"{self.method.upper()} {self.url} as {self.actor}{record}"


def send(clients, row, asked, problems):
    """Make one request and note where its answer differs from the row."""
    try:
        with transaction.atomic():  # a request that breaks the transaction leaves the others theirs
            response = getattr(clients[asked.actor], asked.method)(asked.url)
    except Exception as error:  # noqa: BLE001 - reported with the address; the other requests go on
        problems.append(f"{asked}: raised {error!r}")
        return
    if not check_status(response, asked.expected):
        location = response.headers.get("Location", "")
        problems.append(f"{asked}: {response.status_code} {location} — the matrix expects {asked.expected}")
    if asked.actor != ADMIN and shows_other(response):
        problems.append(f"{asked}: shows the Harbor household")


def changes_nothing(clients, row, requests, before, *, reads, complaint, problems):
    """Send ``requests`` and check the database is as ``before``; if not, find which one changed it."""
    with rolled_back():
        for asked in requests:
            send(clients, row, asked, problems)
        changed = changed_tables(before, database_state(), reads=reads)
    if not changed:
        return
    for asked in requests:
        with rolled_back():
            send(clients, row, asked, [])
            changed = changed_tables(before, database_state(), reads=reads)
        if changed:
            problems.append(f"{asked}: {complaint} {', '.join(changed)}")


def run_row(request, row):
    """Every person, every record, GET then an empty POST; returns what differed from the row."""
    request.getfixturevalue("harbor_in_every_list")
    records = row.records(request)
    clients = {actor: signed_in_client(request, actor) for actor in ACTORS}
    requests = [
        Request(method, actor, which, row.url(record), row.expected(method, actor, which))
        for method in ("get", "post")
        for actor in ACTORS
        for which, record in records
    ]
    posts = [asked for asked in requests if asked.method == "post"]
    refused = [asked for asked in posts if asked.expected in REFUSED]
    allowed = [asked for asked in posts if asked.expected not in REFUSED]
    problems = []
    for asked in requests:
        if asked.method == "get":
            with rolled_back():
                send(clients, row, asked, problems)
    before = database_state()
    # A refused request writes its access-log entry (as refused), and nothing else.
    changes_nothing(
        clients, row, refused, before, reads=False, complaint="refused, but changed", problems=problems
    )
    if row.writes:
        for asked in allowed:
            with rolled_back():
                send(clients, row, asked, problems)
    else:
        changes_nothing(
            clients, row, allowed, before, reads=False, complaint="an empty POST changed", problems=problems
        )
    return problems


@pytest.mark.parametrize("row", MATRIX, ids=[row.id for row in MATRIX])
def test_access(request, row):
    problems = run_row(request, row)
    assert not problems, f"{row.id}:\n  " + "\n  ".join(problems)


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, namespace, namespaced name) of every URL pattern, however deeply included."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield prefix + str(pattern.pattern), namespace, name


def test_every_url_pattern_has_a_row():
    covered = {row.name for row in MATRIX}
    missing = [
        f"{name or '(a pattern with no name)'} at /{route}"
        for route, namespace, name in url_patterns()
        if namespace != "admin:" and name not in covered
    ]
    assert not missing, "URL patterns with no row: add them to the access matrix (MATRIX in this file):\n" + (
        "\n".join(missing)
    )


def test_every_row_names_a_url_pattern():
    names = {name for _route, _namespace, name in url_patterns()}
    assert not [row.id for row in MATRIX if row.name not in names]


# The admin site: one rule for all its addresses.


def admin_addresses():
    yield reverse("admin:index")
    for model in django_admin.site._registry:
        meta = model._meta
        yield reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        yield reverse(f"admin:{meta.app_label}_{meta.model_name}_add")


@pytest.mark.parametrize("actor", [ANONYMOUS, FAMILY, COORDINATOR, SUPERVISOR])
def test_admin_site_sends_everyone_but_administrators_to_its_sign_in(request, actor):
    client = signed_in_client(request, actor)
    wrong = []
    for url in admin_addresses():
        response = client.get(url)
        if response.status_code != 302 or not response["Location"].startswith(reverse("admin:login")):
            wrong.append(f"{url}: {response.status_code}")
    assert not wrong


def test_admin_site_is_for_administrators_only(client, admin):
    client.force_login(admin)
    wrong = []
    for url in admin_addresses():
        if url.endswith("/add/"):
            continue  # some records are never added by hand (the audit log): their add page is a 403
        status = client.get(url).status_code
        if status != 200:
            wrong.append(f"{url}: {status}")
    assert not wrong
