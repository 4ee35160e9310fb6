"""A coordinator takes a new family from intake to closure; the supervisor approves it."""

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _sign_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_intake_to_supervisor_approved_closure(page, live_server, demo_data, screenshots):
    sign_in(page, live_server, "coordinator", demo_data["coordinator"])
    screenshots.save(page, "caseload")

    page.get_by_role("link", name="New intake").click()
    page.fill("#id_family-name", "Baptiste household")
    page.select_option("#id_family-preferred_language", "en")
    page.fill("#id_family-phone", "555-019-9911")
    page.fill("#id_caregivers-0-first_name", "Nadine")
    page.fill("#id_caregivers-0-last_name", "Baptiste")
    page.fill("#id_children-0-first_name", "Jules")
    page.fill("#id_children-0-last_name", "Baptiste")
    page.fill("#id_children-0-date_of_birth", "2019-06-02")
    page.select_option("#id_case-program", label="General care coordination")
    page.select_option("#id_needs-0-category", label="Speech therapy")
    page.select_option("#id_needs-0-child_number", "1")
    page.fill("#id_needs-0-description", "Speech therapy evaluation")
    with page.expect_navigation():
        page.get_by_role("button", name="Create family and open case").click()
    assert page.get_by_role("heading", name="Baptiste household").is_visible()
    case_url = page.url

    # A household need, added in place.
    page.locator("#needs").get_by_role("link", name="Add a need").click()
    page.locator("#needs form").wait_for()
    page.locator("#needs form select[name=category]").select_option(label="Transportation")
    page.locator("#needs form textarea[name=description]").fill("Rides to the clinic")
    page.locator("#needs form").get_by_role("button", name="Save").click()
    page.locator("#needs").get_by_text("Rides to the clinic").wait_for()

    # An activity and a task.
    page.locator("#timeline").get_by_role("link", name="Log an activity").click()
    page.locator("#timeline form").wait_for()
    page.locator("#timeline form input[name=minutes]").fill("20")
    page.locator("#timeline form input[name=with_whom]").fill("Nadine")
    page.locator("#timeline form textarea[name=summary]").fill("Intake call with the mother")
    page.locator("#timeline form").get_by_role("button", name="Save").click()
    page.locator("#timeline").get_by_text("Intake call with the mother").wait_for()

    page.locator("#tasks").get_by_role("link", name="Add a task").click()
    page.locator("#tasks form").wait_for()
    page.locator("#tasks form input[name=title]").fill("Call the speech clinic")
    page.locator("#tasks form").get_by_role("button", name="Save").click()
    page.locator("#tasks").get_by_text("Call the speech clinic", exact=True).wait_for()
    # An open task holds the closure back: it is done first.
    done = page.locator("#tasks").get_by_role("button", name=re.compile("Done.*Call the speech clinic"))
    done.click()
    done.wait_for(state="detached")

    # Each need is met.
    for need in ("Speech therapy", "Transportation"):
        page.locator("#needs").get_by_role("link", name=re.compile(f"Change status.*{need}")).click()
        form = page.locator("#needs form")
        form.wait_for()
        form.locator("select[name=status]").select_option("met")
        form.locator("textarea[name=note]").fill("Connected; first visit booked")
        form.get_by_role("button", name="Save").click()
        form.wait_for(state="detached")
    screenshots.save(page, "case-page")

    page.get_by_role("link", name="Request closure").click()
    page.select_option("#id_reason", "goals_met")
    with page.expect_navigation():
        page.get_by_role("button", name="Request closure").click()
    assert page.get_by_test_id("case-status").inner_text() == "Closure requested"
    _sign_out(page)

    sign_in(page, live_server, "supervisor", demo_data["supervisor"])
    page.goto(case_url)
    page.get_by_role("link", name="Approve closure").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Approve closure").click()
    assert page.get_by_test_id("case-status").inner_text() == "Closed"
    screenshots.save(page, "case-closed")
