import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("username", "landing_path", "heading"),
    [
        ("coordinator", "/cases/", "My caseload"),
        ("supervisor", "/supervision/", "Team overview"),
        # The demo family reads Spanish: the portal opens in it ("Welcome, María").
        ("family", "/portal/", "Bienvenido/a"),
        ("admin", "/", "Administration"),
    ],
)
def test_each_role_signs_in_and_lands_on_its_page(
    page, live_server, demo_data, screenshots, username, landing_path, heading
):
    sign_in(page, live_server, username, demo_data[username])
    assert page.url == f"{live_server.url}{landing_path}"
    assert heading in page.locator("h1").first.inner_text()
    screenshots.save(page, f"home-{username}")


def test_switching_to_spanish_shows_the_page_in_spanish(phone_page, live_server, demo_data, screenshots):
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_navigation():
        page.get_by_label("Language").select_option("es")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Iniciar sesión").is_visible()
    screenshots.save(page, "login-es-phone")
    page.get_by_label("Nombre de usuario").fill("coordinator")
    page.get_by_label("Contraseña").fill(demo_data["coordinator"])
    with page.expect_navigation():
        page.get_by_role("button", name="Iniciar sesión").click()
    assert page.get_by_role("heading", name="Mis casos").is_visible()
