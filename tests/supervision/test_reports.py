"""Every report figure against values worked out by hand on the fixed dataset (datasets.py)."""

import datetime

import pytest

from supervision import reports
from tests.cases.factories import ed_program, general_program

pytestmark = pytest.mark.django_db


def rows(report):
    return report.rows


def test_cases_opened_closed_and_median_days_open_per_team(parameters):
    report = reports.cases_report(parameters())
    # Opened: One, Two, Three, Five, Six. Closed: One 30, Two 50, Three 32, Five 30 days.
    # Median of 30, 30, 32, 50 is (30 + 32) / 2. Four (reopened, still open) is not closed;
    # Five (reopened and closed again) counts once; Seven is team B's; Eight opened in April.
    assert report.columns == ["Team", "Opened", "Closed", "Median days open"]
    assert rows(report) == [["Team A", "5", "4", "31.0"]]


def test_cases_per_program(parameters):
    report = reports.cases_report(parameters(group="program"))
    # Programs are listed by name: "ED mental-health follow-up" before "General care coordination".
    assert rows(report) == [
        ["ED mental-health follow-up", "1", "0", "—"],
        ["General care coordination", "4", "4", "31.0"],
    ]


def test_program_filter_keeps_one_program(parameters):
    report = reports.cases_report(parameters(program=general_program(), group="program"))
    assert rows(report) == [["General care coordination", "4", "4", "31.0"]]


def test_time_to_connect_and_closed_loop_rate(parameters):
    report = reports.connection_report(parameters())
    # Sent in the range: six (the draft was never sent; team B's and December's are out).
    # Outcome: two completed, one rejected, one cancelled. Accepted after 2, 4, 1 and 6 days:
    # median 3. Completed after 10 and 30 days: median 20. The unanswered one counts as sent.
    assert rows(report) == [["Team A", "6", "4", "67%", "3.0", "20.0"]]


def test_time_to_connect_per_program_with_an_odd_count(parameters):
    report = reports.connection_report(parameters(group="program"))
    assert rows(report) == [
        ["ED mental-health follow-up", "2", "0", "0%", "6.0", "—"],
        # Accepted after 2, 4 and 1 days: the middle one.
        ["General care coordination", "4", "4", "100%", "2.0", "20.0"],
    ]


def test_referrals_by_status_in_lifecycle_order(parameters):
    report = reports.referral_status_report(parameters())
    assert rows(report) == [
        ["Requested", "1"],
        ["Accepted", "1"],
        ["Completed", "2"],
        ["Rejected", "1"],
        ["Cancelled", "1"],
    ]
    assert report.total == ["Total", "6"]
    assert report.chart["labels"] == ["Requested", "Accepted", "Completed", "Rejected", "Cancelled"]
    assert report.chart["datasets"][0]["data"] == [1, 1, 2, 1, 1]


def test_needs_by_category_and_share_met(parameters):
    report = reports.needs_report(parameters())
    assert rows(report) == [
        ["Medical", "1", "1", "0", "0", "100%"],
        ["Speech therapy", "1", "0", "1", "0", "0%"],
        ["Behavioral health", "2", "0", "0", "2", "0%"],
        ["Housing", "3", "2", "1", "0", "67%"],
    ]
    assert report.total == ["Total", "7", "3", "2", "2", "43%"]


def test_minutes_by_activity_kind_use_local_days(parameters):
    report = reports.minutes_report(parameters())
    # New Year's Eve 22:00 in New York is outside; 23:30 on March 31 is inside.
    assert rows(report) == [
        ["Call", "4", "65"],
        ["Visit", "1", "60"],
        ["Message", "2", "10"],
        ["Meeting", "1", "45"],
        ["Chart review", "1", "15"],
    ]
    assert report.total == ["Total", "9", "195"]


def test_monthly_trends(parameters):
    report = reports.monthly_report(parameters())
    assert report.columns == [
        "Month",
        "Cases opened",
        "Cases closed",
        "Referrals sent",
        "Referrals completed",
    ]
    assert rows(report) == [
        ["January 2025", "2", "0", "2", "2"],
        ["February 2025", "2", "1", "2", "1"],
        ["March 2025", "1", "3", "2", "0"],
    ]
    assert report.chart["datasets"][1]["data"] == [0, 1, 3]


def test_ed_follow_up_measures(parameters):
    report = reports.ed_report(parameters())
    # K1, K2, K3 and K6 (whose December visit is outside the range); K4 is team B's, K5's visit
    # was not for a mental-health crisis. Contacted in time: K1 (a day after), K3 (on day 7).
    # Shared goal: K1 (their own), K2 (the whole family's); K3's goal is not shared.
    # Returned within 30 days: K1 (its second visit). Within 90: K1 and K2 (day 78).
    assert rows(report) == [["Team A", "4", "2", "50%", "2", "50%", "1", "25%", "2", "50%"]]


def test_ed_follow_up_uses_the_program_target(parameters, report_data):
    program = ed_program()
    program.follow_up_target_days = 1
    program.save()
    report = reports.ed_report(parameters())
    # K1's call a day after discharge is still in time; K3's visit is on no case: 7 days.
    assert rows(report)[0][2] == "2"
    program.follow_up_target_days = 0
    program.save()
    assert reports.ed_report(parameters()).rows[0][2] == "1"


def test_ed_follow_up_is_left_out_for_another_program(parameters):
    assert reports.ed_report(parameters(program=general_program())) is None
    assert reports.ed_report(parameters(program=ed_program())) is not None


def test_a_range_with_no_data_gives_zeros_and_no_medians(parameters):
    p = parameters(start=datetime.date(2024, 6, 1), end=datetime.date(2024, 6, 30))
    assert rows(reports.cases_report(p)) == [["Team A", "0", "0", "—"]]
    assert rows(reports.connection_report(p)) == [["Team A", "0", "0", "—", "—", "—"]]
    assert rows(reports.referral_status_report(p)) == []
    needs = reports.needs_report(p)
    assert (needs.rows, needs.total) == ([], ["Total", "0", "0", "0", "0", "—"])
    minutes = reports.minutes_report(p)
    assert (minutes.rows, minutes.total) == ([], ["Total", "0", "0"])
    assert rows(reports.monthly_report(p)) == [["June 2024", "0", "0", "0", "0"]]
    assert rows(reports.ed_report(p)) == [["Team A", "0", "0", "—", "0", "—", "0", "—", "0", "—"]]


def test_an_administrator_sees_every_team(parameters):
    from tests.accounts.factories import AdminFactory

    report = reports.cases_report(parameters(user=AdminFactory()))
    assert rows(report) == [["Team A", "5", "4", "31.0"], ["Team B", "1", "1", "20.0"]]


def test_a_supervisor_sees_only_the_teams_they_lead(parameters, report_data):
    from tests.accounts.factories import SupervisorFactory

    other = SupervisorFactory(teams=[report_data.team_b])
    assert [row[0] for row in reports.cases_report(parameters(user=other)).rows] == ["Team B"]
    assert rows(reports.minutes_report(parameters(user=other))) == [["Call", "1", "99"]]
