"""Generated query strings and button posts: never a server error, and a GET writes nothing.

``QUERIES`` names each page and the query parameters its view reads; each
example sends some of them (and some it does not read), once or repeated, with
odd values, well-formed ones and the uuids of records of either team.
``BUTTONS`` does the same for the actions that read a posted value without a
form (a status button's version, the inbox's page, the language switch).
"""

from dataclasses import dataclass

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cases.factories import CaseFactory, NeedFactory, TaskFactory
from tests.database import rolled_back
from tests.notifications.factories import NotificationFactory
from tests.referrals.factories import ReferralFactory, ServiceFactory

from .inputs import EXTRA_NAMES, odd_text, too_long, watched

pytestmark = pytest.mark.django_db

FILTERS = ["coordinator", "measure", "page"]
REPORT = ["start", "end", "team", "program", "group"]


@dataclass(frozen=True)
class Query:
    name: str
    names: tuple  # the query parameters the view reads
    actor: str = "coordinator"
    record: str | None = None  # fixture whose uuid is in the path
    kwargs: tuple = ()
    writes: frozenset = frozenset()  # tables a GET of this page writes by design


QUERIES = [
    Query("cases:caseload", ("scope", "page", "program", "status", "urgent", "overdue", "sort")),
    Query("cases:caseload-export", ("scope", "program", "status", "urgent", "overdue", "sort")),
    Query("cases:search", ("q", "page")),
    Query("cases:case-detail", ("section", "timeline"), record="case"),
    Query("cases:case-history", ("page",), record="case"),
    Query("referrals:referral-list", ("status", "mine", "page")),
    Query("referrals:referral-new", ("need", "service")),
    Query("referrals:appointment-new", ("case", "referral")),
    Query(
        "referrals:directory-search",
        ("need", "category", "town", "language", "age", "insurance", "text", "page"),
    ),
    Query("referrals:service-detail", ("need",), record="service"),
    Query("supervision:overview", (), actor="supervisor"),
    Query("supervision:case-list", FILTERS, actor="supervisor"),
    Query("supervision:task-list", FILTERS, actor="supervisor"),
    Query("supervision:referral-list", FILTERS, actor="supervisor"),
    Query("supervision:closure-queue", FILTERS, actor="supervisor"),
    Query("supervision:reassign", ("cases", "next"), actor="supervisor"),
    Query("supervision:case-review", ("next",), actor="supervisor", record="case"),
    Query("supervision:reports", REPORT, actor="supervisor"),
    Query(
        "supervision:report-csv",
        REPORT,
        actor="supervisor",
        kwargs=(("name", "cases"),),
        writes=frozenset({"supervision_reportdownload"}),
    ),
    Query("notifications:inbox", ("show", "page")),
    Query("accounts:two-factor-setup", ("next",), writes=frozenset({"otp_totp_totpdevice"})),
    Query("portal:home", (), actor="family_user"),
    Query("login", ("next",), actor="anonymous"),
]


@pytest.fixture
def records(case, need_and_referral, other_case, team, other_team, coordinator, outsider, mateo):
    """Uuids a query may name: North's and Harbor's records alike."""
    need, referral, service = need_and_referral
    named = [case, need, referral, service, other_case, team, other_team, coordinator, outsider, mateo]
    return [str(record.uuid) for record in named] + [str(record.pk) for record in named]


@pytest.fixture
def need_and_referral(case, mateo, other_case):
    service = ServiceFactory(name="Lighthouse Physical Therapy")
    need = NeedFactory(case=case, child=mateo, category_code="physical_therapy")
    TaskFactory(case=other_case, due_on="2020-01-01")
    return need, ReferralFactory(need=need, service=service, outside_provider=""), service


@pytest.fixture
def service(need_and_referral):
    return need_and_referral[2]


def query_value(records):
    return st.one_of(
        odd_text(),
        st.sampled_from(records),
        st.integers().map(str),
        st.sampled_from(["team", "mine", "open", "unread", "all", "1", "timeline", "needs", "2025-01-01"]),
    )


@pytest.mark.parametrize("query", QUERIES, ids=[query.name for query in QUERIES])
def test_generated_query_strings_never_break_a_page_and_a_get_writes_nothing(request, query, records):
    client = Client()
    if query.actor != "anonymous":
        client.force_login(request.getfixturevalue(query.actor))
    kwargs = dict(query.kwargs)
    if query.record:
        kwargs["uuid"] = request.getfixturevalue(query.record).uuid
    url = reverse(query.name, kwargs=kwargs or None)
    changes_before = list(LogEntry.objects.exclude(action=LogEntry.Action.ACCESS).values_list("pk"))
    value = query_value(records)
    parameters = st.dictionaries(
        st.one_of(st.sampled_from(query.names or ("page",)), st.sampled_from(EXTRA_NAMES)),
        st.one_of(value, st.lists(value, min_size=2, max_size=3)),
        max_size=4,
    )

    @settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(parameters=parameters, htmx=st.booleans())
    def property_holds(parameters, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        with rolled_back():
            with watched() as watch:
                response = client.get(url, parameters, headers=headers)
            assert response.status_code < 500
            written = watch.written - query.writes - {"auditlog_logentry"}
            assert not written, f"a GET wrote to {sorted(written)}"
            if "auditlog_logentry" in watch.written:
                changes = list(LogEntry.objects.exclude(action=LogEntry.Action.ACCESS).values_list("pk"))
                assert changes == changes_before, "a GET wrote to the audit log of changes"

    property_holds()


@dataclass(frozen=True)
class Button:
    name: str
    names: tuple  # the posted values the view reads
    actor: str = "coordinator"
    record: str | None = None


BUTTONS = [
    Button("cases:case-activate", ("version",), record="intake_case"),
    Button("cases:family-unarchive", ("version",), record="family"),
    Button("cases:task-complete", ("version",), record="task"),
    Button("referrals:referral-link-revoke", ("version",), record="referral"),
    Button("notifications:mark-all-read", ("show", "page")),
    Button("notifications:open", ("show", "page"), record="notification"),
    Button("notifications:mark-read", ("show", "page"), record="notification"),
    Button("portal:calendar", ("action",), actor="family_user"),
    Button("set_language", ("language", "next"), actor="family_user"),
    Button("accounts:session", ()),
    Button("logout", ("next",)),
]


@pytest.fixture
def intake_case(family, coordinator):
    return CaseFactory(
        family=family, coordinator=coordinator, status="intake", program__name="Intake program"
    )


@pytest.fixture
def task(case):
    return TaskFactory(case=case)


@pytest.fixture
def referral(need_and_referral):
    return need_and_referral[1]


@pytest.fixture
def notification(coordinator):
    return NotificationFactory(recipient=coordinator)


@pytest.mark.parametrize("button", BUTTONS, ids=[button.name for button in BUTTONS])
def test_generated_posts_to_buttons_never_break_them(request, button, records):
    client = Client()
    client.force_login(request.getfixturevalue(button.actor))
    kwargs = {"uuid": request.getfixturevalue(button.record).uuid} if button.record else None
    url = reverse(button.name, kwargs=kwargs)
    value = query_value(records)
    posted = st.dictionaries(
        st.one_of(st.sampled_from(button.names or ("page",)), st.sampled_from(EXTRA_NAMES)),
        st.one_of(value, st.lists(value, min_size=2, max_size=3)),
        max_size=4,
    )

    @settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(posted=posted)
    def property_holds(posted):
        with rolled_back():
            with watched() as watch:
                response = client.post(url, posted)
            assert response.status_code < 500
            assert not too_long(watch.written)

    property_holds()
