"""The closed loop, end to end: a need is sent to two services at once by email, the second accepts
and the first is withdrawn, the coordinator hears of it in the inbox, the organization books an
appointment with a ride, the family sees the ride in the portal, and once the appointment has
happened the coordinator records it: the referral completes and the need is met."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.browser.conftest import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+/referrals/answer/\S+/")


def _link_in(message):
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(0)


def test_a_need_sent_to_two_services_comes_back_as_a_met_need(
    page, browser, live_server, demo_data, mailoutbox, settings, screenshots
):
    from cases.models import Case, Need
    from cases.services import need_add
    from referrals.models import Appointment, Referral

    settings.CARECOORD_SITE_URL = live_server.url
    case = Case.objects.open().get(family__name="Hernández household")
    mateo = case.family.children.get(first_name="Mateo")
    need = need_add(
        case=case,
        actor=case.coordinator,
        category=case.needs.model.category.field.related_model.objects.get(code="behavioral_health"),
        child=mateo,
        description="Counseling after the move: trouble sleeping",
    )
    mailoutbox.clear()

    # The coordinator chooses two services in the directory and sends the need to both.
    sign_in(page, live_server, "coordinator", demo_data["coordinator"])
    page.goto(f"{live_server.url}/referrals/directory/?need={need.uuid}")
    page.get_by_label(re.compile("Choose.*Child Mobile Crisis Team")).check()
    page.get_by_label(re.compile("Choose.*Child and Family Counseling")).check()
    screenshots.save(page, "directory-two-chosen")
    page.get_by_role("button", name="Refer to the chosen services").click()
    page.get_by_label("Note for the receiving organization").fill("Mateo, 6, sleeps badly since the move.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the referral").click()
    assert page.get_by_test_id("referral-status").inner_text() == "Requested"

    # Both organizations are emailed a working link, after the send committed.
    page.wait_for_function("true")
    emails = {message.to[0]: message for message in mailoutbox}
    assert set(emails) == {"mobile-crisis@example.org", "counseling@example.org"}
    crisis_link = _link_in(emails["mobile-crisis@example.org"])
    counseling_link = _link_in(emails["counseling@example.org"])

    # The second service accepts first.
    counseling = browser.new_context(viewport=PHONE)
    org_page = counseling.new_page()
    org_page.goto(counseling_link)
    assert "Mateo" in org_page.content()
    assert "Hernández" not in org_page.content()
    with org_page.expect_navigation():
        org_page.get_by_role("button", name="Accept").click()

    # The first is withdrawn, and its link says why.
    crisis = browser.new_context(viewport=DESKTOP)
    crisis_page = crisis.new_page()
    crisis_page.goto(crisis_link)
    assert "filled by another service" in crisis_page.content()
    screenshots.save(crisis_page, "withdrawn-link")
    crisis.close()
    withdrawn = Referral.objects.get(need=need, service__name="Child Mobile Crisis Team")
    assert (withdrawn.status, withdrawn.reason_code) == ("cancelled", "filled_elsewhere")

    # The coordinator's inbox shows the acceptance.
    page.goto(f"{live_server.url}/for-you/")
    assert (
        page.get_by_text(re.compile("accepted the referral for Mateo \\(Behavioral health\\)")).count() == 1
    )
    screenshots.save(page, "inbox")

    # The organization books an appointment with a ride and what to bring.
    when = (timezone.localtime() + datetime.timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    org_page.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    org_page.get_by_label("Place").fill("Counseling Center, room 2")
    org_page.get_by_label("What the family must bring or know").fill("Bring the school report.")
    org_page.get_by_label("Transportation arranged").check()
    org_page.get_by_label("Transportation details").fill("ValleyRide van, pick-up 9:15")
    with org_page.expect_navigation():
        org_page.get_by_role("button", name="Propose this appointment").click()
    screenshots.save(org_page, "organization-booked")
    assert org_page.get_by_text("Cancel the appointment").count() == 1
    assert org_page.get_by_role("button", name="Propose this appointment").count() == 0
    counseling.close()

    # The family sees the ride and what to bring in the portal (María reads it in Spanish).
    family = browser.new_context(viewport=PHONE)
    family_page = family.new_page()
    sign_in(family_page, live_server, "family", demo_data["family"])
    family_page.goto(f"{live_server.url}/portal/")
    assert "ValleyRide van, pick-up 9:15" in family_page.content()
    assert "Bring the school report." in family_page.content()
    screenshots.save(family_page, "portal-ride")
    family.close()

    # The appointment time passes; the coordinator records that Mateo attended.
    appointment = Appointment.objects.get(referral__need=need)
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - datetime.timedelta(hours=2))
    page.goto(f"{live_server.url}/referrals/appointments/{appointment.uuid}/outcome/")
    page.get_by_label("What happened").select_option("attended")
    page.get_by_label("Mark the referral completed").check()
    page.get_by_label("Mark the need met").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    need.refresh_from_db()
    assert need.status == Need.Status.MET
    assert Referral.objects.get(need=need, service__name="Child and Family Counseling").status == "completed"
    screenshots.save(page, "case-after-attended")
