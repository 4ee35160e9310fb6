"""The pages whose scripts moved out of the HTML still work under the Content-Security-Policy.

Every browser test fails on a policy violation (see conftest.py); these visit
what the other journeys do not click: the Cancel button of a form opened in
place, the idle warning, the two-factor QR code, the Copy and Print buttons,
and the Django admin site.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_coordinator_pages_work_under_the_policy(page, live_server, demo_data, settings, screenshots):
    from cases.models import Case

    # The idle warning shows two seconds after a page opens.
    settings.CARECOORD_STAFF_IDLE_MINUTES = 1
    settings.CARECOORD_IDLE_WARNING_SECONDS = 58
    sign_in(page, live_server, "coordinator", demo_data["coordinator"])
    dialog = page.get_by_role("dialog", name="Are you still there?")
    dialog.wait_for()
    screenshots.save(page, "idle-warning", full_page=False)
    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")

    # A form opened in place closes with its Cancel button.
    settings.CARECOORD_STAFF_IDLE_MINUTES = 15
    case = Case.objects.get(family__name="Hernández household", coordinator__username="coordinator")
    page.goto(f"{live_server.url}/cases/{case.uuid}/")
    page.locator("#tasks").get_by_role("link", name="Add a task").click()
    form = page.locator("#tasks-form form.part-form")
    form.wait_for()
    form.get_by_role("button", name="Cancel").click()
    form.wait_for(state="detached")

    # The two-factor set-up page draws its QR code inline.
    page.goto(f"{live_server.url}/accounts/two-factor/setup/")
    qr_code = page.locator(".qr-code svg")
    assert qr_code.is_visible()
    assert qr_code.bounding_box()["width"] > 100
    screenshots.save(page, "two-factor-setup")


def test_family_copies_the_calendar_address_and_prints_the_summary(
    phone_page, live_server, demo_data, screenshots
):
    page = phone_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, live_server, "family", demo_data["family"])

    page.goto(f"{live_server.url}/portal/calendar/")
    with page.expect_navigation():
        page.locator("main button[name=action][value=create]").click()
    address = page.locator("#feed-url").input_value()
    copy = page.locator("button[data-copy=feed-url]")
    copy.click()
    # The clipboard answers asynchronously: wait for the button to say so.
    expect(copy).to_have_text("Copiado")
    assert page.evaluate("() => navigator.clipboard.readText()") == address
    screenshots.save(page, "calendar-copied")

    page.goto(f"{live_server.url}/portal/summary/")
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.get_by_role("button", name="Imprimir").click()
    assert page.evaluate("() => window.printed") is True
    screenshots.save(page, "summary-print")


def test_admin_site_works_under_the_policy(page, live_server, demo_data, screenshots):
    from cases.models import Case, Family

    sign_in(page, live_server, "admin", demo_data["admin"])
    family = Family.objects.get(name="Hernández household")
    case = Case.objects.filter(family=family).first()
    for path in (
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/cases/case/?status__exact=active",
        f"/admin/cases/case/{case.pk}/change/",
        f"/admin/cases/family/{family.pk}/change/",
        "/admin/auditlog/logentry/",
        "/admin/axes/accesslog/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
    # The admin's own scripts: the date picker and an extra inline row.
    page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    page.locator(".datetimeshortcuts a").first.click()
    page.goto(f"{live_server.url}/admin/cases/family/{family.pk}/change/")
    page.locator(".add-row a").first.click()
    screenshots.save(page, "admin-family")
