"""A NUL byte in an address is refused with 400 before it reaches a query (PostgreSQL refuses NUL in text)."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "path",
    [
        "/cases/search/?q=%00",
        "/cases/?status=active%00",
        "/referrals/directory/?q=a%00b",
        "/portal/calendar/abc%00def.ics",
        "/referrals/answer/abc%00/",
    ],
)
def test_a_nul_byte_in_the_address_is_a_bad_request(client, coordinator, path):
    client.force_login(coordinator)
    assert client.get(path).status_code == 400


def test_an_anonymous_visitor_gets_the_same_answer(client):
    assert client.get("/portal/calendar/x%00.ics").status_code == 400


def test_ordinary_addresses_still_answer(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("cases:search"), {"q": "Hernández"}).status_code == 200
