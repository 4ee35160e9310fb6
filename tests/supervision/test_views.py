"""The supervision pages: who reaches them, reassignment, review, CSV downloads and query bounds."""

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, Task
from supervision.models import ReportDownload
from supervision.services import cases_reassign
from tests.accounts.factories import CoordinatorFactory, SupervisorFactory
from tests.cases.factories import (
    ActivityFactory,
    CaseFactory,
    ChildFactory,
    EDVisitFactory,
    FamilyFactory,
    NeedFactory,
    TaskFactory,
    general_program,
)
from tests.queries import assert_queries_bounded
from tests.referrals.factories import ReferralFactory

from .conftest import END, START, posted_versions, versions

pytestmark = pytest.mark.django_db

LIST_URLS = [
    "supervision:overview",
    "supervision:case-list",
    "supervision:task-list",
    "supervision:referral-list",
    "supervision:closure-queue",
    "supervision:reassign",
    "supervision:reports",
]


def _case(team, coordinator, name):
    return CaseFactory(family=FamilyFactory(team=team, name=name), coordinator=coordinator)


@pytest.fixture
def cases(case, team, coordinator):
    """Carmen's two cases on North: the Hernández household's and the Nguyen household's."""
    return [case, _case(team, coordinator, "Nguyen household")]


def _case_urls(case):
    return [
        reverse("supervision:case-review", args=[case.uuid]),
        reverse("supervision:report-csv", args=["cases"]),
    ]


# Who reaches the pages


@pytest.mark.parametrize("person", ["coordinator", "family_user"])
def test_anyone_but_supervisors_and_administrators_gets_a_404(client, request, cases, person):
    client.force_login(request.getfixturevalue(person))
    for url in [reverse(name) for name in LIST_URLS] + _case_urls(cases[0]):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(client, cases):
    for url in [reverse(name) for name in LIST_URLS] + _case_urls(cases[0]):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_supervisors_and_administrators_reach_every_page(client, supervisor, admin, cases):
    for user in (supervisor, admin):
        client.force_login(user)
        for url in [reverse(name) for name in LIST_URLS] + _case_urls(cases[0]):
            assert client.get(url).status_code == 200, url


def test_a_coordinator_cannot_reassign_or_review_and_nothing_changes(client, cases, coordinator, colleague):
    client.force_login(colleague)
    response = client.post(
        reverse("supervision:reassign"),
        {"cases": [cases[0].uuid], "coordinator": colleague.uuid, "reason": "Balance the load"},
    )
    assert response.status_code == 404
    response = client.post(reverse("supervision:case-review", args=[cases[0].uuid]), {"note": "Fine."})
    assert response.status_code == 404
    cases[0].refresh_from_db()
    assert (cases[0].coordinator, cases[0].reviewed_at) == (coordinator, None)
    assert not CaseEvent.objects.exists()


def test_a_supervisor_cannot_touch_another_teams_case(client, cases, coordinator, other_team, outsider):
    harbor_supervisor = SupervisorFactory(teams=[other_team])
    client.force_login(harbor_supervisor)
    assert client.get(reverse("supervision:case-review", args=[cases[0].uuid])).status_code == 404
    response = client.post(reverse("supervision:case-review", args=[cases[0].uuid]), {"note": "Fine."})
    assert response.status_code == 404
    response = client.post(
        reverse("supervision:reassign"),
        {"cases": [cases[0].uuid], "coordinator": outsider.uuid, "reason": "Move it"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["cases"]
    cases[0].refresh_from_db()
    assert (cases[0].coordinator, cases[0].reviewed_at) == (coordinator, None)
    assert not CaseEvent.objects.exists()


def test_the_case_page_shows_the_supervision_panel_to_its_supervisor_only(
    client, cases, supervisor, coordinator
):
    url = reverse("cases:case-detail", args=[cases[0].uuid])
    client.force_login(supervisor)
    assert "Write a review note" in client.get(url).content.decode()
    client.force_login(coordinator)
    assert "Write a review note" not in client.get(url).content.decode()


# Reassignment


def test_reassigning_several_cases_records_history_and_a_review_task_for_each(cases, supervisor, colleague):
    cases_reassign(
        cases=cases,
        versions=versions(cases),
        coordinator=colleague,
        reason="Carmen is on leave",
        actor=supervisor,
    )
    for case in cases:
        case.refresh_from_db()
        assert case.coordinator == colleague
        event = case.events.get(kind=CaseEvent.Kind.REASSIGNED)
        assert event.actor == supervisor
        assert event.note == "From Carmen Ortiz to Jordan Lee: Carmen is on leave"
        task = case.tasks.get()
        assert (task.title, task.assignee, task.details) == (
            "Review reassigned case",
            colleague,
            "Carmen is on leave",
        )
        assert task.due_on == timezone.localdate() + datetime.timedelta(days=2)


def test_a_refused_case_undoes_the_whole_batch(cases, supervisor, colleague):
    cases[1].coordinator = colleague
    cases[1].save()
    with pytest.raises(ValidationError, match="Nothing was reassigned. Nguyen household"):
        cases_reassign(
            cases=cases,
            versions=versions(cases),
            coordinator=colleague,
            reason="Carmen is on leave",
            actor=supervisor,
        )
    cases[0].refresh_from_db()
    assert cases[0].coordinator.first_name == "Carmen"
    assert not CaseEvent.objects.exists()
    assert not Task.objects.exists()


def test_reassigning_from_a_list_returns_to_it(client, cases, supervisor, colleague):
    client.force_login(supervisor)
    back = reverse("supervision:case-list") + "?measure=open"
    response = client.post(
        reverse("supervision:reassign"),
        {
            "cases": [case.uuid for case in cases],
            **posted_versions(cases),
            "coordinator": colleague.uuid,
            "reason": "Carmen is on leave",
            "next": back,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == back
    assert "2 cases reassigned to Jordan Lee." in response.content.decode()
    assert Case.objects.filter(coordinator=colleague).count() == 2


def test_reassigning_without_a_reason_changes_nothing(client, cases, supervisor, colleague):
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:reassign"),
        {"cases": [cases[0].uuid], "coordinator": colleague.uuid, "reason": " "},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["This field is required."]
    assert "This field is required." in response.content.decode()
    # The chosen case stays on the form, checked, so nothing has to be chosen again.
    assert f'value="{cases[0].uuid}" id="case-{cases[0].uuid}" checked' in response.content.decode()
    assert not Case.objects.filter(coordinator=colleague).exists()


def test_an_outside_redirect_is_not_followed(client, cases, supervisor, colleague):
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:reassign"),
        {
            "cases": [cases[0].uuid],
            **posted_versions(cases[:1]),
            "coordinator": colleague.uuid,
            "reason": "Load",
            "next": "https://evil.example/",
        },
    )
    assert response.url == reverse("supervision:overview")


def test_the_reassign_page_opens_with_the_case_chosen(client, cases, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("supervision:reassign"), {"cases": [cases[0].uuid, "junk"]})
    assert list(response.context["selected"]) == [cases[0]]


# Review


def test_a_review_note_is_recorded_and_the_coordinator_reads_it(client, cases, supervisor, coordinator):
    case = cases[0]
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:case-review", args=[case.uuid]),
        {"note": "Good progress; call the school.", "version": case.version},
    )
    assert response.url == reverse("cases:case-detail", args=[case.uuid])
    case.refresh_from_db()
    assert case.reviewed_at is not None
    event = case.events.get(kind=CaseEvent.Kind.REVIEWED)
    assert (event.actor, event.note) == (supervisor, "Good progress; call the school.")
    client.force_login(coordinator)
    assert "Good progress; call the school." in client.get(response.url).content.decode()


def test_an_empty_review_note_changes_nothing(client, cases, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("supervision:case-review", args=[cases[0].uuid]), {"note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    cases[0].refresh_from_db()
    assert cases[0].reviewed_at is None


@pytest.mark.parametrize("next_address", ["on", ":", "https://elsewhere.example.org/"])
def test_a_review_whose_next_address_is_not_a_path_here_goes_to_the_case(
    client, cases, supervisor, next_address
):
    client.force_login(supervisor)
    response = client.post(
        reverse("supervision:case-review", args=[cases[0].uuid]),
        {"note": "Fine.", "next": next_address, "version": cases[0].version},
    )
    assert response.url == reverse("cases:case-detail", args=[cases[0].uuid])


def test_a_reviewed_case_leaves_the_list_of_cases_to_review(client, team, coordinator, supervisor):
    case = CaseFactory(
        family=FamilyFactory(team=team),
        coordinator=coordinator,
        opened_at=timezone.now() - datetime.timedelta(days=120),
    )
    client.force_login(supervisor)
    url = reverse("supervision:case-list")
    assert list(client.get(url, {"measure": "not_reviewed"}).context["page"].object_list) == [case]
    client.post(
        reverse("supervision:case-review", args=[case.uuid]), {"note": "Reviewed.", "version": case.version}
    )
    assert list(client.get(url, {"measure": "not_reviewed"}).context["page"].object_list) == []


def test_the_closure_queue_links_to_approve_and_return(client, team, coordinator, supervisor):
    case = CaseFactory(
        family=FamilyFactory(team=team), coordinator=coordinator, status=Case.Status.CLOSURE_REQUESTED
    )
    client.force_login(supervisor)
    content = client.get(reverse("supervision:closure-queue")).content.decode()
    assert reverse("cases:case-closure-approve", args=[case.uuid]) in content
    assert reverse("cases:case-closure-return", args=[case.uuid]) in content


# Reports and their CSV


class TableReader(HTMLParser):
    """The text of every cell of each report table on the page, keyed by report name."""

    def __init__(self):
        super().__init__()
        self.tables, self.table, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-report" in attrs:
            self.table = self.tables.setdefault(attrs["data-report"], [])
        elif self.table is not None and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.table.append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _tables(content):
    reader = TableReader()
    reader.feed(content)
    return reader.tables


REPORT_QUERY = {"start": START.isoformat(), "end": END.isoformat()}


def test_every_csv_download_equals_the_table_on_screen_and_is_recorded(client, report_data):
    client.force_login(report_data.supervisor)
    for query in (REPORT_QUERY, {**REPORT_QUERY, "group": "program"}):
        page = client.get(reverse("supervision:reports"), query)
        tables = _tables(page.content.decode())
        assert set(tables) == {
            "cases",
            "monthly",
            "needs",
            "referral-status",
            "connection",
            "minutes",
            "ed-follow-up",
            "deadlines",
            "reasons",
        }
        for name, table in tables.items():
            response = client.get(reverse("supervision:report-csv", args=[name]), query)
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            rows = list(csv.reader(io.StringIO(response.content.decode())))
            assert rows == table, name
    downloads = ReportDownload.objects.order_by("at", "pk")
    assert downloads.count() == 18
    first = downloads.first()
    assert (first.user, first.report) == (report_data.supervisor, "cases")
    assert first.parameters == {
        "start": "2025-01-01",
        "end": "2025-03-31",
        "team": "",
        "program": "",
        "group": "team",
    }
    assert timezone.now() - first.at < datetime.timedelta(minutes=1)


def test_the_reports_page_shows_the_hand_computed_figures(client, report_data):
    client.force_login(report_data.supervisor)
    tables = _tables(client.get(reverse("supervision:reports"), REPORT_QUERY).content.decode())
    assert tables["cases"] == [["Team", "Opened", "Closed", "Median days open"], ["Team A", "5", "4", "31.0"]]
    assert tables["connection"][1] == ["Team A", "6", "4", "67%", "3.0", "20.0"]


def test_the_report_page_defaults_to_the_last_six_months(client, supervisor):
    client.force_login(supervisor)
    form = client.get(reverse("supervision:reports")).context["form"]
    assert form.cleaned_data["end"] == timezone.localdate()
    assert form.cleaned_data["start"].day == 1
    assert (form.cleaned_data["end"] - form.cleaned_data["start"]).days < 190


def test_a_backwards_range_is_refused_on_the_form_and_by_the_download(client, supervisor):
    client.force_login(supervisor)
    query = {"start": "2025-03-01", "end": "2025-01-01"}
    page = client.get(reverse("supervision:reports"), query)
    assert "The end of the range must not be before its start." in page.content.decode()
    assert page.context["reports"] == []
    assert client.get(reverse("supervision:report-csv", args=["cases"]), query).status_code == 400
    assert not ReportDownload.objects.exists()


def test_unknown_or_inapplicable_reports_are_not_found(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("supervision:report-csv", args=["salaries"])).status_code == 404
    program = general_program()
    response = client.get(reverse("supervision:report-csv", args=["ed-follow-up"]), {"program": program.uuid})
    assert response.status_code == 404
    assert not ReportDownload.objects.exists()


def test_a_team_of_another_supervisor_cannot_be_chosen(client, supervisor, other_team):
    client.force_login(supervisor)
    response = client.get(reverse("supervision:reports"), {"team": other_team.uuid})
    assert response.context["form"].errors["team"]
    assert response.context["reports"] == []


# Query counts do not grow with the data


def _add_rows(count, team):
    """``count`` coordinators, each with a case carrying every kind of row the pages count."""
    long_ago = timezone.now() - datetime.timedelta(days=100)
    numbered_from = Case.objects.filter(team=team).count()
    for n in range(numbered_from, numbered_from + count):
        coordinator = CoordinatorFactory(teams=[team])
        child = ChildFactory(family=FamilyFactory(team=team))
        case = CaseFactory(
            family=child.family,
            coordinator=coordinator,
            children=[child],
            urgent=True,
            status=Case.Status.CLOSURE_REQUESTED if n % 2 else Case.Status.ACTIVE,
            opened_at=long_ago,
        )
        need = NeedFactory(case=case)
        ReferralFactory(
            need=need,
            requested_at=long_ago,
            acknowledge_due=timezone.localdate(long_ago) + datetime.timedelta(days=3),
        )
        TaskFactory(case=case, due_on=timezone.localdate() - datetime.timedelta(days=3))
        ActivityFactory(case=case, occurred_at=long_ago)
        EDVisitFactory(child=child, case=case)


@pytest.mark.parametrize(
    ("url", "query", "bound"),
    [
        ("supervision:overview", {}, 9),
        ("supervision:case-list", {"measure": "urgent"}, 8),
        ("supervision:task-list", {}, 6),
        ("supervision:referral-list", {}, 6),
        ("supervision:closure-queue", {}, 6),
        ("supervision:reports", {}, 22),
        ("supervision:reports", {"group": "program"}, 22),
    ],
)
def test_page_queries_do_not_grow_with_the_data(client, team, supervisor, url, query, bound):
    client.force_login(supervisor)

    def load():
        assert client.get(reverse(url), query).status_code == 200

    assert_queries_bounded(add_rows=lambda count: _add_rows(count, team), load=load, ceiling=bound)


def test_csv_queries_do_not_grow_with_the_data(client, team, supervisor):
    client.force_login(supervisor)

    def load():
        assert client.get(reverse("supervision:report-csv", args=["ed-follow-up"])).status_code == 200

    assert_queries_bounded(add_rows=lambda count: _add_rows(count, team), load=load, ceiling=10)


def test_a_spanish_csv_equals_the_spanish_table(client, report_data):
    client.force_login(report_data.supervisor)
    page = client.get(reverse("supervision:reports"), REPORT_QUERY, HTTP_ACCEPT_LANGUAGE="es")
    tables = _tables(page.content.decode())
    assert tables["cases"][1] == ["Team A", "5", "4", "31,0"]
    response = client.get(
        reverse("supervision:report-csv", args=["cases"]), REPORT_QUERY, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert list(csv.reader(io.StringIO(response.content.decode()))) == tables["cases"]
