"""A failed submit on any form: an error summary that takes the focus and links to each field, and a title
that says so.

Every POST form page of ``tests/properties/test_form_pages.py`` (one per form of the
application) has each of its forms sent back blank: the hidden values it carries, nothing typed.
"""

import re

import pytest
from django.urls import reverse

from tests.database import rolled_back
from tests.properties.test_form_pages import (  # noqa: F401 - the records the pages need
    PAGES,
    appointment,
    booked_organization_token,
    closed_case,
    closing_case,
    ed_visit,
    enrolled_coordinator,
    goal,
    hvs,
    invitation_token,
    need,
    organization_token,
    page_client,
    page_form_list,
    proposal,
    referral,
    referred_appointment,
    screening_in_progress,
    service,
)

pytestmark = pytest.mark.django_db

# Django's admin site has its own templates and its own error note.
POSTED = [page for page in PAGES if page.method == "post" and page.id != "admin-sign-in"]
SUMMARY = re.compile(r"<div [^>]*data-error-summary[^>]*>(.*?)</div>", re.S)
TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.S)


def blank(form):
    """What a browser sends for ``form`` when nothing is typed and Enter is pressed: its hidden values."""
    return {
        name: entry.values[0]
        for name, entry in form.fields.items()
        if entry.kind == "hidden" and entry.values
    }


def summary_of(content):
    found = SUMMARY.search(content)
    return found.group(0) if found else None


def title_of(content):
    return TITLE.search(content).group(1)


@pytest.mark.parametrize("page", POSTED, ids=[page.id for page in POSTED])
def test_a_blank_submit_answers_with_an_error_summary_linking_to_each_field_and_an_error_title(request, page):
    client = page_client(request, page.actor)
    url = page.address(request.getfixturevalue)
    refused = 0
    forms = page_form_list(client, page, url)
    # A form whose every field may be left empty is refused when it carries an old version instead.
    attempts = [blank(form) or {"nothing": ""} for form in forms]
    attempts += [{**blank(form), "version": "0"} for form in forms if "version" in form.fields]
    for data in attempts:
        with rolled_back():
            response = client.post(url, data)
        if response.status_code != 200:
            continue
        content = response.content.decode()
        summary = summary_of(content)
        assert summary is not None, f"{page.id}: {sorted(data)} refused without an error summary"
        refused += 1
        assert 'role="alert"' in summary
        assert "autofocus" in summary
        assert title_of(content).startswith("Error:"), title_of(content)
        links = re.findall(r'href="#([^"]+)"', summary)
        assert links, f"{page.id}: the summary links to no field"
        missing = [anchor for anchor in links if f'id="{anchor}"' not in content]
        assert missing == [], f"{page.id}: the summary links to fields the page does not have"
    assert refused, f"{page.id}: no blank form was refused"


def test_a_page_without_errors_has_no_summary_and_a_plain_title(client):
    content = client.get(reverse("login")).content.decode()
    assert summary_of(content) is None
    assert not title_of(content).startswith("Error")


def test_a_failed_sign_in_says_so_in_the_title_and_the_summary(client, coordinator):
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "wrong"})
    content = response.content.decode()
    assert title_of(content) == "Error: Sign in · carecoord"
    summary = summary_of(content)
    assert "Please enter a correct username and password" in summary
    assert 'href="#id_username"' in summary


def test_the_summary_names_each_field_by_its_label(client, coordinator, family):
    client.force_login(coordinator)
    response = client.post(reverse("cases:child-add", args=[family.uuid]), {"first_name": "Ana"})
    summary = summary_of(response.content.decode())
    assert '<a class="alert-link" href="#id_last_name">Last name: This field is required.</a>' in summary
    assert 'href="#id_date_of_birth">Date of birth: This field is required.' in summary


def test_the_summary_speaks_spanish(client, coordinator, family):
    client.force_login(coordinator)
    client.cookies["django_language"] = "es"
    response = client.post(reverse("cases:child-add", args=[family.uuid]), {"first_name": "Ana"})
    content = response.content.decode()
    assert title_of(content).startswith("Error:")
    assert "Hay 2 problemas: no se guardó nada" in summary_of(content)
