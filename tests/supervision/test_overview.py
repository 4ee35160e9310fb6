"""The team overview's numbers, checked by hand on overview_dataset, and the lists behind them."""

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from supervision.overview import MEASURES, overview_rows, overview_totals

pytestmark = pytest.mark.django_db

KEYS = [measure.key for measure in MEASURES]


def figures(person):
    return {key: getattr(person, key) for key in KEYS}


def test_one_row_per_coordinator_of_the_led_teams_with_every_measure(overview_data):
    rows = {person.first_name: figures(person) for person in overview_rows(overview_data.supervisor)}
    # Carol works in team B, which the supervisor does not lead. Dave left but holds a case.
    assert set(rows) == {"Alice", "Bob", "Dave"}
    assert rows["Alice"] == {
        "open": 4,  # O1, O2, O3, O4 (closure requested is still open)
        "urgent": 1,  # O1
        "no_contact": 1,  # O2: last call 40 days ago, the chart review is not a contact; O3 is too new
        "overdue_tasks": 1,  # T1; T2 is due today, T3 is done
        "waiting_referrals": 1,  # W1 was due yesterday; W2 is due today, W3 and W10 were accepted
        "closures": 1,  # O4
        "not_reviewed": 0,  # O4 reviewed 20 days ago; the others opened less than 90 days ago
    }
    assert rows["Bob"] == {
        "open": 2,  # O5, O6; O7 is closed
        "urgent": 0,  # O7 is urgent but closed
        "no_contact": 0,  # O6's message 29 days ago is a contact
        "overdue_tasks": 1,  # T6, on Alice's case; T4 is on a closed case
        "waiting_referrals": 2,  # W4 (received, due 3 days ago), W8; W7 is due tomorrow, W9 is on hold
        "closures": 0,
        "not_reviewed": 2,  # O5 reviewed 100 days ago, O6 opened 120 days ago and never reviewed
    }
    assert rows["Dave"] == {**dict.fromkeys(KEYS, 0), "open": 1}


def test_totals_cover_the_whole_of_the_led_teams(overview_data):
    assert overview_totals(overview_data.supervisor) == {
        "open": 7,
        "urgent": 1,
        "no_contact": 1,
        "overdue_tasks": 2,
        "waiting_referrals": 3,  # W1, W4, W8; W5 is on a closed case, W6 in team B, W11 has no due date
        "closures": 1,
        "not_reviewed": 2,
    }


def test_an_administrator_sees_every_team(overview_data):
    from tests.accounts.factories import AdminFactory

    rows = {person.first_name: person.open for person in overview_rows(AdminFactory())}
    assert rows == {"Alice": 4, "Bob": 2, "Carol": 1, "Dave": 1}


def test_the_overview_page_links_each_number_to_its_list(client, overview_data):
    client.force_login(overview_data.supervisor)
    response = client.get(reverse("supervision:overview"))
    assert response.status_code == 200
    content = response.content.decode()
    alice = overview_data.people["alice"]
    assert f'href="/supervision/cases/?measure=no_contact&amp;coordinator={alice.uuid}"' in content
    assert f'href="/supervision/tasks/?coordinator={alice.uuid}"' in content
    assert f'href="/supervision/referrals/?coordinator={alice.uuid}"' in content
    assert f'href="/supervision/closures/?coordinator={alice.uuid}"' in content
    assert "Carol Cole" not in content


def _listed(client, url, **query):
    response = client.get(reverse(url), query)
    assert response.status_code == 200
    return response


def test_each_list_holds_the_rows_behind_its_number(client, overview_data):
    client.force_login(overview_data.supervisor)
    alice, bob = overview_data.people["alice"], overview_data.people["bob"]

    def families(response):
        return sorted(case.family.name for case in response.context["page"].object_list)

    cases = _listed(client, "supervision:case-list", measure="no_contact", coordinator=alice.uuid)
    assert families(cases) == ["O2 silent"]
    cases = _listed(client, "supervision:case-list", measure="not_reviewed")
    assert families(cases) == ["O5 old review", "O6 never reviewed"]
    cases = _listed(client, "supervision:case-list", measure="open", coordinator=alice.uuid)
    assert families(cases) == ["O1 urgent", "O2 silent", "O3 new", "O4 closing"]
    closures = _listed(client, "supervision:closure-queue")
    assert families(closures) == ["O4 closing"]
    tasks = _listed(client, "supervision:task-list", coordinator=bob.uuid)
    assert [task.pk for task in tasks.context["page"].object_list] == [overview_data.rows["t6"].pk]
    referrals = _listed(client, "supervision:referral-list", coordinator=bob.uuid)
    # The longest past its acknowledgement date first.
    assert [referral.pk for referral in referrals.context["page"].object_list] == [
        overview_data.rows["w8"].pk,
        overview_data.rows["w4"].pk,
    ]


def test_the_referral_list_shows_each_acknowledgement_date_and_how_late_it_is(client, overview_data):
    client.force_login(overview_data.supervisor)
    response = _listed(client, "supervision:referral-list")
    listed = {referral.pk: referral for referral in response.context["page"].object_list}
    rows = overview_data.rows
    assert set(listed) == {rows["w1"].pk, rows["w4"].pk, rows["w8"].pk}
    assert [listed[rows[name].pk].days_late for name in ("w1", "w4", "w8")] == [1, 3, 12]
    content = response.content.decode()
    assert "Acknowledgement due" in content
    assert "(1 day late)" in content
    assert "(12 days late)" in content
    assert date_format(rows["w8"].acknowledge_due, "SHORT_DATE_FORMAT") in content
    assert "limit" not in content


def test_a_list_never_shows_another_teams_rows(client, overview_data):
    client.force_login(overview_data.supervisor)
    carol = overview_data.people["carol"]
    cases = _listed(client, "supervision:case-list", measure="urgent", coordinator=carol.uuid)
    assert list(cases.context["page"].object_list) == []
    tasks = _listed(client, "supervision:task-list", coordinator=carol.uuid)
    assert list(tasks.context["page"].object_list) == []


def test_a_malformed_filter_is_ignored_not_an_error(client, overview_data):
    client.force_login(overview_data.supervisor)
    response = _listed(client, "supervision:case-list", measure="nonsense", coordinator="not-a-uuid")
    assert response.context["measure"].key == "open"
