"""Referral deadlines in business days, and the referral page's deadline block."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.deadlines import (
    add_business_days,
    escalation_cutoff,
    is_business_day,
    next_business_day,
    referral_deadlines,
)
from referrals.models import Referral
from tests.cases.factories import NeedFactory, ProgramFactory
from tests.referrals.factories import ReferralFactory

THANKSGIVING = datetime.date(2025, 11, 27)
CHRISTMAS = datetime.date(2025, 12, 25)


def test_weekends_and_public_holidays_are_not_business_days():
    assert not is_business_day(datetime.date(2025, 11, 29))  # Saturday
    assert not is_business_day(THANKSGIVING)
    assert not is_business_day(CHRISTMAS)
    assert is_business_day(datetime.date(2025, 11, 28))


def test_two_business_days_after_thanksgiving_eve_is_monday():
    assert add_business_days(datetime.date(2025, 11, 26), 2) == datetime.date(2025, 12, 1)


def test_two_business_days_after_christmas_eve_is_the_monday_after():
    assert add_business_days(datetime.date(2025, 12, 24), 2) == datetime.date(2025, 12, 29)


def test_zero_business_days_from_a_holiday_is_the_next_business_day():
    assert add_business_days(CHRISTMAS, 0) == datetime.date(2025, 12, 26)


def test_the_next_business_day_skips_the_weekend_and_the_holiday():
    assert next_business_day(datetime.date(2025, 11, 26)) == datetime.date(2025, 11, 28)
    assert next_business_day(datetime.date(2025, 11, 28)) == datetime.date(2025, 12, 1)


def test_a_deadline_is_escalated_after_the_margin_in_business_days():
    # Due Friday 28 November: a margin of 2 business days runs through Tuesday 2 December.
    assert escalation_cutoff(datetime.date(2025, 12, 2), 2) < datetime.date(2025, 11, 28)
    assert escalation_cutoff(datetime.date(2025, 12, 3), 2) >= datetime.date(2025, 11, 28)


def test_the_holiday_calendar_follows_the_configured_country(settings):
    settings.CARECOORD_HOLIDAY_COUNTRY = "GB"
    settings.CARECOORD_HOLIDAY_STATE = None

    assert is_business_day(THANKSGIVING)
    assert not is_business_day(datetime.date(2025, 12, 26))  # Boxing Day


@pytest.mark.django_db
def test_a_referral_sent_in_the_evening_counts_from_its_local_day():
    program = ProgramFactory()
    sent_at = timezone.make_aware(
        datetime.datetime.combine(datetime.date(2025, 11, 26), datetime.time(23, 30))
    )

    acknowledge_due, outcome_due = referral_deadlines(program, sent_at)

    assert acknowledge_due == datetime.date(2025, 12, 1)
    assert outcome_due == add_business_days(datetime.date(2025, 11, 26), program.outcome_business_days)


# The referral page's deadline block


@pytest.fixture
def page(client, coordinator):
    client.force_login(coordinator)

    def render(referral):
        response = client.get(reverse("referrals:referral-detail", args=[referral.uuid]))
        assert response.status_code == 200
        return response.content.decode()

    return render


def with_deadlines(case, *, acknowledge_in, outcome_in, **fields):
    today = timezone.localdate()
    return ReferralFactory(
        need=NeedFactory(case=case),
        acknowledge_due=today + datetime.timedelta(days=acknowledge_in),
        outcome_due=today + datetime.timedelta(days=outcome_in),
        **fields,
    )


def block(html, name):
    start = html.index(f'data-testid="deadline-{name}"')
    return html[start : html.index("</dd>", start)]


@pytest.mark.django_db
def test_deadlines_not_yet_due_are_pending(page, case):
    html = page(with_deadlines(case, acknowledge_in=2, outcome_in=14))

    assert "Pending" in block(html, "acknowledge")
    assert "Pending" in block(html, "outcome")


@pytest.mark.django_db
def test_a_deadline_past_without_an_answer_is_missed_and_its_escalation_shown(page, case):
    referral = with_deadlines(
        case, acknowledge_in=-3, outcome_in=10, acknowledge_escalated_at=timezone.now(), sent_to="a@b.example"
    )

    acknowledge = block(page(referral), "acknowledge")

    assert "Missed" in acknowledge
    assert "no answer yet" in acknowledge
    assert "supervisors on" in acknowledge


@pytest.mark.django_db
def test_an_answer_on_time_is_met_and_a_late_one_missed(page, case):
    on_time = with_deadlines(
        case, acknowledge_in=1, outcome_in=10, status=Referral.Status.ACCEPTED, acknowledged_at=timezone.now()
    )
    late = with_deadlines(
        case,
        acknowledge_in=-2,
        outcome_in=10,
        status=Referral.Status.ACCEPTED,
        acknowledged_at=timezone.now(),
    )

    assert "Met" in block(page(on_time), "acknowledge")
    assert "answered late" in block(page(late), "acknowledge")


@pytest.mark.django_db
def test_an_outcome_reported_in_time_is_met(page, case):
    now = timezone.now()
    referral = with_deadlines(
        case,
        acknowledge_in=-5,
        outcome_in=0,
        status=Referral.Status.COMPLETED,
        acknowledged_at=now,
        accepted_at=now,
        completed_at=now,
        closed_at=now,
        outcome_reminded_at=now,
    )

    outcome = block(page(referral), "outcome")

    assert "Met" in outcome
    assert "Completed on" in outcome
    assert "Reminder emailed on" in outcome


@pytest.mark.django_db
def test_a_referral_without_deadlines_shows_no_block(page, case):
    html = page(ReferralFactory(need=NeedFactory(case=case)))

    assert 'data-testid="referral-deadlines"' not in html
