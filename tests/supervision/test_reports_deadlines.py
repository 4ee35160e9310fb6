"""The deadline and reason reports, against figures worked out by hand on a small dataset."""

import datetime

import pytest
from django.utils import timezone

from accounts.permissions import teams_led_by
from cases.permissions import emergency_grants
from referrals.models import Referral
from supervision import reports
from supervision.reports import ReportParameters
from tests.accounts.factories import TeamFactory
from tests.cases.factories import CaseFactory, NeedFactory
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

S = Referral.Status
R = Referral.ReasonCode
START, END = datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)


def on(month, day):
    return timezone.make_aware(datetime.datetime.combine(datetime.date(2025, month, day), datetime.time(12)))


def day(month, number):
    return datetime.date(2025, month, number)


@pytest.fixture
def parameters(supervisor):
    def build(group="team"):
        return ReportParameters(
            user=supervisor, start=START, end=END, teams=teams_led_by(supervisor), group=group
        )

    return build


@pytest.fixture
def dataset(case):
    def sent(**fields):
        defaults = {"requested_at": on(1, 10), "acknowledge_due": day(1, 14), "outcome_due": day(1, 30)}
        return ReferralFactory(need=NeedFactory(case=case), **{**defaults, **fields})

    # Acknowledged and completed in time.
    sent(status=S.COMPLETED, acknowledged_at=on(1, 13), accepted_at=on(1, 13), completed_at=on(1, 20))
    # Both late, both escalated.
    sent(
        status=S.COMPLETED,
        acknowledged_at=on(1, 16),
        accepted_at=on(1, 16),
        completed_at=on(2, 15),
        acknowledge_escalated_at=on(1, 17),
        outcome_escalated_at=on(2, 4),
    )
    # Never answered, escalated.
    sent(acknowledge_escalated_at=on(1, 17))
    # Declined in time for lack of capacity; no completion.
    sent(status=S.REJECTED, status_reason="Full.", reason_code=R.NO_CAPACITY, acknowledged_at=on(1, 12))
    # Accepted in time (before acknowledgements were stamped), then failed: family unreachable.
    sent(status=S.FAILED, status_reason="No answer.", reason_code=R.FAMILY_UNREACHABLE, accepted_at=on(1, 12))
    # Sent before deadlines existed: counted for its reason only.
    sent(
        status=S.REJECTED,
        status_reason="Full.",
        reason_code=R.NO_CAPACITY,
        acknowledge_due=None,
        outcome_due=None,
    )
    # A reason-less decline, another team's referral and one sent after the range.
    sent(status=S.REJECTED, status_reason="No.", acknowledged_at=on(1, 11))
    ReferralFactory(
        need=NeedFactory(case=CaseFactory(family__team=TeamFactory(name="Harbor"))),
        requested_at=on(1, 10),
        status=S.REJECTED,
        status_reason="Full.",
        reason_code=R.NOT_ELIGIBLE,
    )
    sent(requested_at=on(4, 2), acknowledge_escalated_at=on(4, 9))


def test_deadlines_met_and_escalations_per_team(parameters, dataset):
    report = reports.deadlines_report(parameters())

    # Six with deadlines; all six due. Acknowledged in time: 1, the decline, the accepted-then-failed
    # and the reason-less decline (4 of 6). Completed in time: the first only (1 of 6).
    # Escalations: two for the late one, one for the unanswered one.
    assert report.rows == [["North", "6", "4", "67%", "1", "17%", "3"]]


def test_deadlines_per_program(parameters, dataset):
    report = reports.deadlines_report(parameters(group="program"))

    assert ["General care coordination", "6", "4", "67%", "1", "17%", "3"] in report.rows


def test_declined_and_failed_referrals_by_reason_code(parameters, dataset):
    report = reports.reasons_report(parameters())

    assert report.columns == ["Reason", "Declined", "Failed", "Total"]
    assert report.rows == [
        ["No capacity", "2", "0", "2"],
        ["Could not reach the family", "0", "1", "1"],
        ["No reason given", "1", "0", "1"],
    ]
    assert report.total == ["Total", "3", "1", "4"]


def test_a_deadline_not_come_yet_counts_in_no_share(parameters, case, supervisor):
    today = timezone.localdate()
    ReferralFactory(
        need=NeedFactory(case=case),
        acknowledge_due=today + datetime.timedelta(days=2),
        outcome_due=today + datetime.timedelta(days=14),
    )
    recent = ReportParameters(
        user=supervisor, start=today - datetime.timedelta(days=5), end=today, teams=teams_led_by(supervisor)
    )

    assert reports.deadlines_report(recent).rows == [["North", "1", "0", "—", "0", "—", "0"]]


def test_the_reports_ask_a_fixed_number_of_queries(parameters, dataset, case, django_assert_num_queries):
    for _ in range(20):
        ReferralFactory(need=NeedFactory(case=case), requested_at=on(2, 1), acknowledge_due=day(2, 4))
    # As in a request, where the middleware has read the user's emergency grants (none) already.
    emergency_grants(parameters().user)

    with django_assert_num_queries(1):
        reports.deadlines_report(parameters()).table()
    # One grouped query: the total row is its groups added up.
    with django_assert_num_queries(1):
        reports.reasons_report(parameters()).table()
