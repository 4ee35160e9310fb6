"""Migration referrals/0005 dates the referrals sent before response deadlines existed."""

import datetime
import importlib

import pytest
from django.apps import apps

from referrals.models import Referral
from tests.cases.factories import CaseFactory, NeedFactory, ed_program
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("referrals.migrations.0005_backfill_referral_deadlines")

# 22:00 on the eve of Thanksgiving in New York is already the 27th in UTC: sent on the 26th.
THANKSGIVING_EVE_EVENING = datetime.datetime(2025, 11, 27, 3, tzinfo=datetime.UTC)


def _run():
    backfill.backfill_deadlines(apps, None)


def _sent_before_deadlines(case=None, **fields):
    need = NeedFactory(case=case) if case else NeedFactory()
    return ReferralFactory(need=need, requested_at=THANKSGIVING_EVE_EVENING, **fields)


def _dates(referral):
    referral.refresh_from_db()
    return referral.acknowledge_due, referral.outcome_due


def test_an_open_referral_gets_both_dates_in_business_days_from_its_local_sending_day():
    waiting = _sent_before_deadlines()
    accepted = _sent_before_deadlines(status="accepted", accepted_at=THANKSGIVING_EVE_EVENING)
    _run()
    # Two business days (Friday 28, Monday 1) to acknowledge; fourteen to report an outcome.
    expected = (datetime.date(2025, 12, 1), datetime.date(2025, 12, 17))
    assert _dates(waiting) == expected
    assert _dates(accepted) == expected


def test_each_referral_is_dated_with_its_own_programs_business_days():
    program = ed_program()
    program.acknowledge_business_days = 5
    program.outcome_business_days = 10
    program.save()
    referral = _sent_before_deadlines(case=CaseFactory(program=program), status="received")
    _run()
    assert _dates(referral) == (datetime.date(2025, 12, 4), datetime.date(2025, 12, 11))


def test_a_date_already_set_is_kept_and_only_the_missing_one_is_filled():
    set_on_sending = datetime.date(2025, 11, 28)
    referral = _sent_before_deadlines(acknowledge_due=set_on_sending)
    _run()
    assert _dates(referral) == (set_on_sending, datetime.date(2025, 12, 17))


def test_drafts_and_closed_referrals_are_left_without_dates():
    draft = ReferralFactory(status="draft")
    closed = [
        _sent_before_deadlines(status=status, status_reason="Closed before deadlines existed.")
        for status in ("completed", "rejected", "cancelled", "failed")
    ]
    _run()
    assert _dates(draft) == (None, None)
    assert [_dates(referral) for referral in closed] == [(None, None)] * 4


def test_a_backfilled_referral_is_counted_as_waiting_on_the_overview(supervisor, case):
    from supervision.overview import waiting_referrals

    referral = ReferralFactory(need=NeedFactory(case=case), requested_at=THANKSGIVING_EVE_EVENING)
    assert not waiting_referrals(supervisor).exists()
    _run()
    assert list(waiting_referrals(supervisor)) == [referral]
    assert Referral.objects.get(pk=referral.pk).acknowledge_due == datetime.date(2025, 12, 1)
