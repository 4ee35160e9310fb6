"""The demo supervisor sees a meaningful overview and reports (the issue's "done when")."""

import pytest

from accounts.models import User
from carecoord.demo import seed_demo
from supervision.forms import ReportFilterForm
from supervision.overview import overview_rows, waiting_referrals
from supervision.reports import build_reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_supervisor():
    """The demo data's supervisor, signed in as "supervisor", after seeding it."""
    seed_demo()
    return User.objects.get(username="supervisor")


def test_the_demo_overview_has_something_in_every_column(demo_supervisor):
    rows = {person.username: person for person in overview_rows(demo_supervisor)}
    assert set(rows) == {"coordinator", "coordinator2"}
    carmen = rows["coordinator"]
    assert (carmen.open, carmen.urgent, carmen.no_contact, carmen.overdue_tasks) == (8, 3, 1, 1)
    # Waiting: the Hernández physical therapy (sent 9 days ago) and the Park counseling (20 days
    # ago) are past their acknowledgement dates; the housing batch sent 2 days ago is not due yet.
    assert (carmen.waiting_referrals, carmen.closures, carmen.not_reviewed) == (2, 1, 1)
    waiting = waiting_referrals(demo_supervisor).filter(case__coordinator=carmen)
    assert sorted(waiting.values_list("case__family__name", flat=True)) == [
        "Hernández household",
        "Park household",
    ]
    assert rows["coordinator2"].open == 1


def test_the_demo_reports_have_months_of_history(demo_supervisor):
    form = ReportFilterForm({}, user=demo_supervisor)
    assert form.is_valid()
    reports = {report.name: report for report in build_reports(form.parameters())}
    # Six cases opened today and five in the past months; closed: Walker after 90 days, Davis
    # after 70 and Silva after 50 (and some hours: a daylight-saving change may move one by an hour).
    team, opened, closed, median = reports["cases"].rows[0]
    assert (team, opened, closed) == ("North Clinic Team", "11", "3")
    assert 70 <= float(median) < 70.5
    months_with_cases_opened = [row for row in reports["monthly"].rows if row[1] != "0"]
    assert len(months_with_cases_opened) >= 4
    # Aiden (Johnson), Gabriel (Silva, who came back within 30 days) and Yusuf (Ali, contacted late).
    assert reports["ed-follow-up"].rows == [
        ["North Clinic Team", "3", "1", "33%", "2", "67%", "1", "33%", "1", "33%"]
    ]


def test_seeding_twice_changes_nothing(demo_supervisor):
    from cases.models import Case

    count = Case.objects.count()
    seed_demo()
    assert Case.objects.count() == count
