"""Reusable reads of the case side: family search and the caseload summary."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Activity, Case, Family, Need
from tests.cases.factories import (
    ActivityFactory,
    CaregiverFactory,
    CaseFactory,
    ChildFactory,
    FamilyFactory,
    NeedFactory,
    TaskFactory,
)
from tests.queries import assert_queries_bounded

pytestmark = pytest.mark.django_db


@pytest.fixture
def hernandez():
    """The family every search below should find, next to one it should not."""
    family = FamilyFactory(name="Hernández", phone="(617) 555-0142")
    CaregiverFactory(family=family, first_name="María", last_name="Hernández", phone="857-555-0199")
    ChildFactory(
        family=family,
        first_name="Mateo",
        last_name="Hernández",
        date_of_birth=datetime.date(2018, 5, 2),
        mrn="00412345",
    )
    other = FamilyFactory(name="Smith", phone="(413) 555-0000")
    CaregiverFactory(family=other, first_name="Jane", last_name="Smith", phone="(413) 555-0001")
    ChildFactory(
        family=other,
        first_name="Ava",
        last_name="Smith",
        date_of_birth=datetime.date(2016, 4, 4),
        mrn="00999999",
    )
    return family


def search(text):
    return list(Family.objects.search(text))


@pytest.mark.parametrize("text", ["hern", "HERNANDEZ", "Hernández", "  hernan  "])
def test_search_finds_a_family_by_partial_name_ignoring_accents_and_case(hernandez, text):
    assert search(text) == [hernandez]


@pytest.mark.parametrize("text", ["maria", "MARÍA", "mar", "maria hernandez"])
def test_search_finds_a_family_by_caregiver_name(hernandez, text):
    assert search(text) == [hernandez]


@pytest.mark.parametrize("text", ["mateo", "Mateo Hern", "ATEO"])
def test_search_finds_a_family_by_child_name(hernandez, text):
    assert search(text) == [hernandez]


def test_search_needs_every_word_to_match(hernandez):
    assert search("maria smith") == []


@pytest.mark.parametrize(
    "text", ["(617) 555-0142", "617.555.0142", "6175550142", "+1 617 555 0142", "555-0142", "0142"]
)
def test_search_finds_a_family_by_household_phone_in_any_formatting(hernandez, text):
    assert search(text) == [hernandez]


@pytest.mark.parametrize("text", ["(857) 555-0199", "857 555 0199", "+1-857-555-0199"])
def test_search_finds_a_family_by_caregiver_phone_in_any_formatting(hernandez, text):
    assert search(text) == [hernandez]


def test_search_finds_a_family_by_child_mrn(hernandez):
    assert search("00412345") == [hernandez]


@pytest.mark.parametrize("text", ["2018-05-02", "05/02/2018"])
def test_search_finds_a_family_by_child_date_of_birth(hernandez, text):
    assert search(text) == [hernandez]


@pytest.mark.parametrize("text", ["", "   ", "nobody", "2018-05-03", "(212) 555-7777"])
def test_search_finds_nothing_for_blank_or_unknown_text(hernandez, text):
    assert search(text) == []


# Caseload summary


def summary_of(case):
    return Case.objects.with_summary().get(pk=case.pk)


def test_summary_of_a_case_without_work_is_empty():
    case = summary_of(CaseFactory())

    assert case.open_need_count == 0
    assert case.next_task_due is None
    assert case.last_contact_at is None
    assert case.has_overdue_task is False


def test_summary_counts_open_and_in_progress_needs_only():
    case = CaseFactory()
    NeedFactory(case=case, status=Need.Status.OPEN)
    NeedFactory(case=case, status=Need.Status.IN_PROGRESS)
    for status in Need.RESOLVED:
        NeedFactory(case=case, status=status)
    NeedFactory(status=Need.Status.OPEN)  # another case's

    assert summary_of(case).open_need_count == 2


def test_summary_next_task_due_is_the_earliest_open_task():
    case = CaseFactory()
    today = timezone.localdate()
    TaskFactory(case=case, due_on=today + datetime.timedelta(days=5))
    TaskFactory(case=case, due_on=today + datetime.timedelta(days=2))
    TaskFactory(case=case, due_on=today - datetime.timedelta(days=9), completed_at=timezone.now())
    TaskFactory(due_on=today)  # another case's

    assert summary_of(case).next_task_due == today + datetime.timedelta(days=2)


def test_summary_last_contact_is_the_latest_contact_not_a_chart_review():
    case = CaseFactory()
    now = timezone.now()
    ActivityFactory(case=case, kind=Activity.Kind.CALL, occurred_at=now - datetime.timedelta(days=10))
    latest = ActivityFactory(
        case=case, kind=Activity.Kind.VISIT, occurred_at=now - datetime.timedelta(days=3)
    )
    ActivityFactory(case=case, kind=Activity.Kind.CHART_REVIEW, occurred_at=now - datetime.timedelta(hours=1))
    ActivityFactory(occurred_at=now)  # another case's

    assert summary_of(case).last_contact_at == latest.occurred_at


def test_summary_flags_an_open_task_past_its_due_date_as_overdue():
    case = CaseFactory()
    TaskFactory(case=case, due_on=timezone.localdate() - datetime.timedelta(days=1))

    assert summary_of(case).has_overdue_task is True


def test_summary_does_not_flag_a_task_due_today_or_a_completed_late_task():
    case = CaseFactory()
    today = timezone.localdate()
    TaskFactory(case=case, due_on=today)
    TaskFactory(case=case, due_on=today - datetime.timedelta(days=4), completed_at=timezone.now())

    assert summary_of(case).has_overdue_task is False


def test_summary_reads_many_cases_in_one_query():
    added = []

    def add_cases(count):
        for _ in range(count):
            case = CaseFactory()
            NeedFactory(case=case)
            TaskFactory(case=case)
            ActivityFactory(case=case)
            added.append(case)

    def load():
        rows = [
            (case.family.name, case.coordinator.username, case.open_need_count, case.has_overdue_task)
            for case in Case.objects.with_summary()
        ]
        assert len(rows) == len(added)
        assert all(row[2] == 1 for row in rows)

    assert assert_queries_bounded(add_rows=add_cases, load=load, ceiling=1) == 1
