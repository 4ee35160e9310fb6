"""The closed loop: a need is referred from the directory, the organization answers through its link,
the appointment is attended and the need is met."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.browser.conftest import DESKTOP, sign_in

pytestmark = pytest.mark.browser


def test_referral_loop_from_directory_to_need_met(page, browser, live_server, demo_data, screenshots):
    from cases.models import Case, Need

    case = Case.objects.get(family__name="Ramírez household")
    need = case.needs.get(description__startswith="Find an adult endocrinologist")

    sign_in(page, live_server, "coordinator", demo_data["coordinator"])
    page.goto(f"{live_server.url}/cases/{case.uuid}/")
    page.locator("#needs").get_by_role("link", name=re.compile("Find a service.*Medical")).click()
    page.get_by_role("link", name=re.compile("Refer.*Pediatric Neuromuscular Clinic")).wait_for()
    assert page.locator("select[name=category]").input_value() == "medical"
    screenshots.save(page, "directory-search")

    page.get_by_role("link", name=re.compile("Refer.*Pediatric Neuromuscular Clinic")).click()
    page.get_by_label("Note for the receiving organization").fill(
        "Diego turns 18 soon: adult care transition."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save the referral").click()
    assert page.get_by_test_id("referral-status").inner_text() == "Requested"
    link = page.locator("#organization-link").input_value()
    referral_url = page.url

    # The receiving organization, without an account, accepts and proposes an appointment.
    organization = browser.new_context(viewport=DESKTOP)
    org_page = organization.new_page()
    org_page.goto(link)
    assert "Diego" in org_page.content()
    assert "Ramírez" not in org_page.content()
    with org_page.expect_navigation():
        org_page.get_by_role("button", name=re.compile("^Accept")).click()
    when = (timezone.localtime() + datetime.timedelta(days=3)).replace(hour=10, minute=0)
    org_page.locator("input[type=datetime-local]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    org_page.get_by_label("Place").fill("KVCH Main Campus")
    with org_page.expect_navigation():
        org_page.get_by_role("button", name=re.compile("Propose")).click()
    screenshots.save(org_page, "organization-link")
    organization.close()

    page.goto(referral_url)
    assert page.get_by_test_id("referral-status").inner_text() == "Accepted"
    screenshots.save(page, "referral-page")

    page.get_by_role("link", name="Record what happened").first.click()
    page.get_by_label("What happened").select_option("attended")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    need.refresh_from_db()
    assert need.status == Need.Status.MET
    assert need.referrals.get().status == "completed"
    screenshots.save(page, "case-after-attended")
