"""The family portal on a phone: a caregiver accepts an invitation, sees the Spanish summary, prints it.

Every portal page is checked with axe-core (WCAG 2.1 A and AA) at 360 px and at desktop width.
"""

import re
from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SPANISH_MONTHS = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"


def axe_violations(page):
    """axe-core's WCAG 2.1 A/AA violations on the current page, as (rule, impact, first nodes)."""
    # Evaluated, not added as a <script>: the page's Content-Security-Policy blocks inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => [
                v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + n.failureSummary),
            ]);
        }""",
        WCAG_21_AA,
    )


def assert_accessible(page, where):
    violations = axe_violations(page)
    assert violations == [], f"{where}: {violations}"


def test_caregiver_accepts_invitation_and_reads_the_spanish_summary_on_a_phone(
    page, phone_page, live_server, demo_data, screenshots
):
    from cases import services as case_services
    from cases.models import Family

    family = Family.objects.get(name="Hernández household")
    coordinator = family.cases.first().coordinator
    father = case_services.caregiver_add(
        family=family, actor=coordinator, first_name="José", last_name="Hernández", relationship="father"
    )

    # The coordinator invites José from the family page and copies the link.
    sign_in(page, live_server, "coordinator", demo_data["coordinator"])
    page.goto(f"{live_server.url}/cases/families/{family.uuid}/")
    row = page.get_by_test_id(f"portal-access-{father.uuid}")
    with page.expect_navigation():
        row.get_by_role("button", name=re.compile("Invite to the portal")).click()
    link = page.get_by_test_id("invitation-link").input_value()
    assert "/portal/invitations/" in link
    page.locator("#portal-access").scroll_into_view_if_needed()
    screenshots.save(page, "family-page-portal-panel", full_page=False)

    # José opens it on his phone: the page speaks the family's language.
    phone = phone_page
    phone.goto(link)
    assert phone.locator("html").get_attribute("lang") == "es"
    assert "José" in phone.locator("h1").inner_text()
    assert_accessible(phone, "invitation page, phone")
    screenshots.save(phone, "invitation-accept-phone")
    phone.locator("input[name=username]").fill("jose.hernandez")
    phone.locator("input[name=password1]").fill("faro-naranja-2931")
    phone.locator("input[name=password2]").fill("faro-naranja-2931")
    with phone.expect_navigation():
        phone.locator("main button[type=submit]").click()

    # The portal home: Spanish dates, both children, appointments with what to bring and the ride.
    assert phone.url == f"{live_server.url}/portal/"
    assert phone.locator("html").get_attribute("lang") == "es"
    content = phone.locator("main").inner_text()
    assert "Mateo" in content
    assert "Lucía" in content
    assert "Clínica Dental Familiar de Riverton" in content
    assert "Traiga la tarjeta de Medicaid" in content
    assert "Transporte de Medicaid" in content
    assert "Que Mateo vea a un especialista en Duchenne" in content
    assert re.search(rf"\d{{1,2}} de ({SPANISH_MONTHS}) de \d{{4}}", content)
    assert "Mother prefers calls" not in phone.content()
    assert "respite care" not in phone.content()
    assert phone.locator("a[href^='https://www.openstreetmap.org/search?query=']").count() >= 3
    assert_accessible(phone, "portal home, phone")
    screenshots.save(phone, "portal-home-phone")
    phone.locator("details.portal-past").first.locator("summary").click()
    screenshots.save(phone, "portal-home-phone-past-open")

    # The printable summary, on screen and as it prints.
    with phone.expect_navigation():
        phone.locator("a[href='/portal/summary/']").click()
    assert phone.locator("section.child-page").count() == 2
    assert_accessible(phone, "printable summary, phone")
    screenshots.save(phone, "summary-print-phone")
    phone.emulate_media(media="print")
    assert phone.locator("nav.toolbar").is_hidden()
    screenshots.save(phone, "summary-print-phone-print-media")
    phone.emulate_media(media="screen")

    # The calendar address page.
    phone.goto(f"{live_server.url}/portal/calendar/")
    with phone.expect_navigation():
        phone.locator("main button[name=action][value=create]").click()
    address = phone.locator("#feed-url").input_value()
    assert address.endswith(".ics")
    feed = phone.request.get(address)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert_accessible(phone, "calendar page, phone")
    screenshots.save(phone, "calendar-phone")

    # The link works once.
    phone.goto(link)
    assert phone.locator("h1").count() == 1
    assert_accessible(phone, "used invitation, phone")
    screenshots.save(phone, "invitation-used-phone")

    # The same pages at desktop width.
    phone.set_viewport_size(DESKTOP)
    for path in ("/portal/", "/portal/summary/", "/portal/calendar/", link.split(live_server.url, 1)[1]):
        phone.goto(f"{live_server.url}{path}")
        assert_accessible(phone, f"{path}, desktop")
    phone.goto(f"{live_server.url}/portal/")
    screenshots.save(phone, "portal-home-desktop")
    phone.set_viewport_size(PHONE)


def test_demo_family_login_sees_a_spanish_summary(phone_page, live_server, demo_data, screenshots):
    """The demo login `family` (María) opens the portal in Spanish with her children's appointments."""
    page = phone_page
    sign_in(page, live_server, "family", demo_data["family"])
    assert page.locator("html").get_attribute("lang") == "es"
    content = page.locator("main").inner_text()
    assert "María" in content
    assert "Kestrel Valley Children's Hospital" in content or "KVCH" in content
    # The caregiver can switch language from the header.
    with page.expect_navigation():
        page.locator("#language-select").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page, "portal home in English, phone")
    screenshots.save(page, "portal-home-phone-english")
