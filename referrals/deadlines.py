"""Response deadlines of a sent referral, counted in business days.

Each program sets how many business days an organization has to acknowledge a
referral (accept or decline it) and to report its outcome. Business days skip
weekends and the public holidays of the center's country and state, from the
maintained ``holidays`` library (settings ``CARECOORD_HOLIDAY_COUNTRY`` and
``CARECOORD_HOLIDAY_STATE``), rather than a holiday list of our own.
"""

import datetime
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=8)
def _calendar(country, state):
    return holidays.country_holidays(country, subdiv=state)


def holiday_calendar():
    """The public holidays of the center's country and state (years are filled in as they are asked for)."""
    return _calendar(settings.CARECOORD_HOLIDAY_COUNTRY, settings.CARECOORD_HOLIDAY_STATE)


def is_business_day(day):
    return day.weekday() < 5 and day not in holiday_calendar()


def add_business_days(start, days):
    """The date ``days`` business days after the date ``start``; 0 is ``start`` or the next business day."""
    day = start
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            counted += 1
    return day


def referral_deadlines(program, sent_at):
    """``(acknowledge_due, outcome_due)`` of a referral of ``program`` sent at ``sent_at`` (local dates)."""
    sent_on = timezone.localdate(sent_at)
    return (
        add_business_days(sent_on, program.acknowledge_business_days),
        add_business_days(sent_on, program.outcome_business_days),
    )


def next_business_day(day):
    """The first business day strictly after the date ``day``."""
    day += datetime.timedelta(days=1)
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    return day


def escalation_cutoff(today, margin):
    """The latest due date that is more than ``margin`` business days past on ``today``.

    A deadline due on ``D`` is escalated once ``today`` is after
    ``add_business_days(D, margin)``: the organization had the due day and
    ``margin`` more business days. ``add_business_days`` never decreases as
    ``D`` grows, so walking back from yesterday finds the cut-off.
    """
    day = today - datetime.timedelta(days=1)
    while add_business_days(day, margin) >= today:
        day -= datetime.timedelta(days=1)
    return day
