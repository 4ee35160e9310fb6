"""The demo supervisor's morning: the team overview, a reassignment, and the outcome reports.

Screenshots at 1280 px and 360 px; every page is checked with axe-core (WCAG 2.1 A and AA).
"""

from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def assert_accessible(page, where):
    # Evaluated, not added as a <script>: the page's Content-Security-Policy blocks inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => {
            const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => [v.id, v.nodes.slice(0, 3).map(n => n.target.join(" "))]);
        }"""
    )
    assert violations == [], f"{where}: {violations}"


def _charts_drawn(page):
    # Chart.js sizes each canvas to its box once it has drawn.
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => c.width > 0 && c.height > 0)"
    )


def test_supervisor_reviews_the_team_reassigns_a_case_and_reads_the_reports(
    page, live_server, demo_data, screenshots
):
    sign_in(page, live_server, "supervisor", demo_data["supervisor"])
    assert page.url == f"{live_server.url}/supervision/"
    assert page.get_by_role("heading", name="Team overview").is_visible()
    screenshots.save(page, "overview")
    assert_accessible(page, "overview")

    # Carmen has one family not contacted in 30 days: the number opens that list.
    carmen = page.get_by_role("row", name="Carmen Ortiz")
    carmen.get_by_role("link", name="No contact in 30 days, Carmen Ortiz").click()
    assert page.get_by_role("heading", name="No contact in 30 days — Carmen Ortiz").is_visible()
    page.get_by_label("Select Park household").check()
    page.get_by_label("New coordinator").select_option(label="Jordan Lee")
    page.get_by_label("Reason").fill("Jordan speaks Korean with the family.")
    screenshots.save(page, "no-contact-list")
    assert_accessible(page, "no-contact list")
    with page.expect_navigation():
        page.get_by_role("button", name="Reassign selected cases").click()
    assert page.get_by_text("1 case reassigned to Jordan Lee.").is_visible()

    page.get_by_role("link", name="Reports", exact=True).first.click()
    assert page.get_by_role("heading", name="Outcome reports").is_visible()
    _charts_drawn(page)
    assert page.locator("table[data-report=ed-follow-up]").is_visible()
    screenshots.save(page, "reports")
    assert_accessible(page, "reports")
    with page.expect_download() as download:
        page.locator("#report-cases").get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("cases-")


def test_overview_and_reports_on_a_phone(phone_page, live_server, demo_data, screenshots):
    page = phone_page
    sign_in(page, live_server, "supervisor", demo_data["supervisor"])
    assert page.get_by_role("heading", name="Team overview").is_visible()
    screenshots.save(page, "overview-phone")
    assert_accessible(page, "overview on a phone")
    page.goto(f"{live_server.url}/supervision/reports/")
    _charts_drawn(page)
    screenshots.save(page, "reports-phone")
    assert_accessible(page, "reports on a phone")
    # Nothing is wider than the screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360


def test_a_coordinator_of_another_team_opens_a_case_in_an_emergency_and_the_supervisor_sees_it(
    page, live_server, demo_data, screenshots
):
    from cases.models import Case

    case = Case.objects.select_related("family").filter(team__name="North Clinic Team").first()
    sign_in(page, live_server, "harbor-coordinator", demo_data["harbor-coordinator"])
    page.goto(f"{live_server.url}/cases/{case.uuid}/")
    assert page.get_by_role("heading", name="Emergency access").is_visible()
    assert case.family.name not in page.content()
    assert_accessible(page, "emergency access")
    page.get_by_label("The family called and needs help now").check()
    page.get_by_label("Explain in a sentence").fill(
        "The mother called our line; her coordinator is away today."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Open the case in an emergency").click()
    banner = page.get_by_test_id("emergency-banner")
    assert banner.is_visible()
    assert case.family.name in banner.inner_text()
    screenshots.save(page, "case-under-emergency-access")

    page.context.clear_cookies()
    sign_in(page, live_server, "supervisor", demo_data["supervisor"])
    page.goto(f"{live_server.url}/for-you/")
    item = page.get_by_text(f"opened the {case.family.name} case in an emergency")
    with page.expect_navigation():
        item.click()
    assert page.get_by_role("heading", name=f"Access history: {case.family.name}").is_visible()
    grants = page.get_by_test_id("emergency-grants")
    assert "The mother called our line" in grants.inner_text()
    assert page.get_by_test_id("access-events").get_by_text("Emergency access granted").is_visible()
    screenshots.save(page, "family-access-history")
    assert_accessible(page, "access history")
