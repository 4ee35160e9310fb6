"""The intake on a phone: blocks added and removed one at a time, consent with the intake, an error
summary in plain words."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, Child, Consent, Family
from tests.cases.test_views import intake_data

pytestmark = pytest.mark.django_db

INTAKE = reverse("cases:intake")


def post(client, coordinator, **overrides):
    client.force_login(coordinator)
    return client.post(INTAKE, intake_data(coordinator, **overrides))


def second_child(**overrides):
    return {
        "children-TOTAL_FORMS": "2",
        "children-1-first_name": "Lucía",
        "children-1-last_name": "Hernández",
        "children-1-date_of_birth": "2016-05-02",
        **overrides,
    }


def test_the_intake_starts_with_one_caregiver_one_child_and_one_need(client, coordinator):
    client.force_login(coordinator)
    content = client.get(INTAKE).content.decode()
    for name in ("caregivers", "children", "needs"):
        assert f'name="{name}-0-DELETE"' in content
        assert f'name="{name}-1-DELETE"' not in content
    assert "Add another child" in content


def test_the_need_menu_names_the_children_in_the_readers_language(client, coordinator):
    client.force_login(coordinator)
    client.cookies["django_language"] = "es"
    content = client.get(INTAKE).content.decode()
    assert re.search(r'<option value="1">Niño/a 1</option>', content)
    assert "Child 1" not in content


def test_adding_a_child_without_javascript_keeps_what_was_typed_and_shows_no_error(client, coordinator):
    response = post(client, coordinator, **{"intake-action": "add-children", "children-0-date_of_birth": ""})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="children-1-first_name"' in content
    assert 'value="Mateo"' in content
    assert "data-error-summary" not in content
    assert "This field is required" not in content
    assert not content.split("<title>")[1].startswith("Error")
    # The focus goes to the new child's first field.
    assert re.search(
        r'name="children-1-first_name"[^>]*autofocus|autofocus[^>]*name="children-1-first_name"', content
    )
    assert Family.objects.count() == 0


def test_removing_a_child_without_javascript_renumbers_the_rest_and_their_needs(client, coordinator):
    data = {
        **second_child(),
        "needs-0-child_number": "2",  # Lucía
        "needs-1-child_number": "1",  # Mateo, removed
        "intake-action": "remove-children-0",
    }
    response = post(client, coordinator, **data)
    content = response.content.decode()
    assert 'name="children-1-first_name"' not in content
    assert re.search(r'name="children-0-first_name"[^>]*value="Lucía"', content)
    needs = response.context["needs"].forms
    assert needs[0]["child_number"].value() == "1"  # Lucía is child 1 now
    assert needs[1]["child_number"].value() == ""  # asks again whom it is for
    assert Family.objects.count() == 0


def test_a_child_removed_in_the_page_is_not_created(client, coordinator):
    response = post(client, coordinator, **second_child(**{"children-1-DELETE": "on"}))
    assert response.status_code == 302
    assert list(Child.objects.values_list("first_name", flat=True)) == ["Mateo"]


def test_a_need_for_a_removed_child_asks_whom_it_is_for(client, coordinator):
    response = post(
        client, coordinator, **second_child(**{"children-1-DELETE": "on", "needs-0-child_number": "2"})
    )
    assert "Need 1: For: Choose who this need is for." in response.content.decode()
    assert Family.objects.count() == 0


def test_a_need_names_its_child_by_block_even_after_a_removal(client, coordinator):
    data = second_child(**{"children-0-DELETE": "on", "needs-0-child_number": "2"})
    response = post(client, coordinator, **data)
    assert response.status_code == 302
    need = Case.objects.get().needs.get(description="Physical therapy twice a week")
    assert need.child.first_name == "Lucía"


def test_a_need_for_an_empty_child_block_is_refused(client, coordinator):
    response = post(client, coordinator, **{"children-TOTAL_FORMS": "2", "needs-0-child_number": "2"})
    assert "That child&#x27;s details are empty: enter them first." in response.content.decode()
    assert Family.objects.count() == 0


def test_a_need_without_its_person_is_refused_in_plain_words(client, coordinator):
    response = post(client, coordinator, **{"needs-0-child_number": ""})
    assert "Need 1: For: Choose who this need is for." in response.content.decode()


def test_removing_every_caregiver_says_one_is_needed(client, coordinator):
    response = post(client, coordinator, **{"caregivers-0-DELETE": "on"})
    content = response.content.decode()
    assert "Enter at least one caregiver." in content
    assert "Please submit" not in content
    assert Family.objects.count() == 0


def test_the_error_summary_names_each_block_and_links_to_its_field(client, coordinator):
    response = post(
        client, coordinator, **second_child(**{"children-1-date_of_birth": "", "family-name": ""})
    )
    content = response.content.decode()
    summary = re.search(r"<div [^>]*data-error-summary.*?</div>", content, re.S).group(0)
    assert (
        '<a class="alert-link" href="#id_family-name">Household name: This field is required.</a>' in summary
    )
    child_link = 'href="#id_children-1-date_of_birth">Child 2: Date of birth: This field is required.</a>'
    assert child_link in summary
    assert content.split("<title>")[1].startswith("Error: New intake")


def test_consent_is_recorded_with_the_intake_when_ticked(client, coordinator):
    today = timezone.localdate()
    response = post(
        client,
        coordinator,
        **{
            "consent-record": "on",
            "consent-scope": "all_providers",
            "consent-given_by": "María Hernández",
            "consent-given_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    case = Case.objects.get()
    assert consent.family == case.family
    assert consent.given_by == "María Hernández"
    assert consent.in_force_on(today)
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CONSENT).exists()


def test_consent_dated_in_the_future_refuses_the_whole_intake(client, coordinator):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post(
        client,
        coordinator,
        **{
            "consent-record": "on",
            "consent-scope": "all_providers",
            "consent-given_by": "María",
            "consent-given_on": tomorrow.isoformat(),
        },
    )
    assert "Consent cannot be dated in the future." in response.content.decode()
    assert Family.objects.count() == 0
    assert Consent.objects.count() == 0


def test_consent_fields_are_ignored_unless_ticked(client, coordinator):
    response = post(client, coordinator, **{"consent-given_by": "María", "consent-given_on": "not a date"})
    assert response.status_code == 302
    assert Consent.objects.count() == 0


def test_the_duplicate_check_comes_before_the_consent_is_recorded(client, coordinator, team):
    from tests.cases.factories import FamilyFactory

    FamilyFactory(team=team, name="Other", phone="555.010.2231")
    today = timezone.localdate().isoformat()
    consent = {"consent-record": "on", "consent-given_by": "María", "consent-given_on": today}
    response = post(client, coordinator, **{**consent, "consent-scope": "all_providers"})
    content = response.content.decode()
    assert "This family may already be known" in content
    assert Consent.objects.count() == 0
    # The consent typed is still on the page, ticked.
    assert re.search(r'name="consent-record"[^>]*checked', content)
