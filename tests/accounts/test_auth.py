import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("person", "destination"),
    [
        ("coordinator", "cases:caseload"),
        ("supervisor", "supervision:overview"),
        ("family_user", "portal:home"),
    ],
)
def test_signing_in_lands_each_role_on_its_start_page(client, request, person, destination):
    user = request.getfixturevalue(person)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(destination)
    assert response.status_code == 200


def test_admin_start_page_links_to_the_admin_site(client, admin):
    client.force_login(admin)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("admin:index") in response.content.decode()


def test_wrong_password_shows_an_error_and_does_not_sign_in(client, coordinator):
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_requires_the_old_password(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "N3w-password-long", "new_password2": "N3w-password-long"},
    )
    assert response.status_code == 200
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "N3w-password-long",
            "new_password2": "N3w-password-long",
        },
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password("N3w-password-long")


def test_password_reset_sends_a_link_that_sets_a_new_password(client, coordinator):
    client.post(reverse("password_reset"), {"email": coordinator.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Br4nd-new-secret", "new_password2": "Br4nd-new-secret"}
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password("Br4nd-new-secret")


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_team_page_lists_members_to_staff_of_that_team(client, team, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("accounts:team-detail", args=[team.uuid]))
    assert response.status_code == 200
    assert "Carmen Ortiz" in response.content.decode()


def test_team_page_of_another_team_is_not_found(client, coordinator, other_team):
    client.force_login(coordinator)
    assert client.get(reverse("accounts:team-detail", args=[other_team.uuid])).status_code == 404


def test_family_user_cannot_see_staff_pages(client, family_user):
    client.force_login(family_user)
    assert client.get(reverse("cases:caseload")).status_code == 404
    assert client.get(reverse("accounts:team-list")).status_code == 404
