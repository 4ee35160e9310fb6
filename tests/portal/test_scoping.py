"""Who reaches what: families only their own portal, staff no portal, families no staff page."""

import pytest
from django.urls import reverse

from accounts.models import User
from portal import services
from portal.models import CalendarFeed, PortalInvitation
from tests.cases.factories import CaregiverFactory, CaseFactory, FamilyFactory, NeedFactory
from tests.referrals.factories import ReferralFactory

from .factories import PortalAppointmentFactory, portal_caregiver

pytestmark = pytest.mark.django_db

FAMILY_PAGES = ["portal:home", "portal:summary-print", "portal:summary-pdf", "portal:calendar"]


@pytest.fixture
def other_family(other_team, outsider):
    """A Harbor household with its own portal caregiver, Robin's case, an appointment and a referral."""
    case = CaseFactory(family=FamilyFactory(team=other_team, name="Other household"), coordinator=outsider)
    caregiver, user = portal_caregiver(case.family)
    appointment = PortalAppointmentFactory(case=case, provider="Other Family Clinic")
    referral = ReferralFactory(need=NeedFactory(case=case))
    return {
        "case": case,
        "caregiver": caregiver,
        "user": user,
        "appointment": appointment,
        "referral": referral,
    }


@pytest.mark.parametrize("name", FAMILY_PAGES)
@pytest.mark.parametrize("person", ["coordinator", "supervisor", "admin"])
def test_staff_cannot_use_the_portal_as_a_family(client, request, person, name):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", FAMILY_PAGES)
def test_anonymous_visitor_is_sent_to_sign_in_from_portal_pages(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_staff_calendar_post_changes_nothing(client, coordinator, caregiver):
    client.force_login(coordinator)
    assert client.post(reverse("portal:calendar"), {"action": "create"}).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_family_user_reaches_only_their_own_family_on_every_portal_page(client, family_user, other_family):
    client.force_login(family_user)
    for name in FAMILY_PAGES[:2]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "Other Family Clinic" not in response.content.decode()
        assert "Other household" not in response.content.decode()


def test_family_user_cannot_grant_revoke_or_remove_portal_access(
    client, family_user, caregiver, other_family
):
    sibling = CaregiverFactory(family=caregiver.family)
    invitation, _link = services.invitation_create(
        caregiver=other_family["caregiver"].family.caregivers.create(first_name="New", last_name="One"),
        actor=other_family["case"].coordinator,
        link_for=lambda token: token,
    )
    client.force_login(family_user)
    assert client.post(reverse("portal:invitation-create", args=[sibling.uuid])).status_code == 404
    assert client.post(reverse("portal:invitation-revoke", args=[invitation.uuid])).status_code == 404
    for target in (caregiver, other_family["caregiver"]):
        assert client.get(reverse("portal:access-remove", args=[target.uuid])).status_code == 404
        assert client.post(reverse("portal:access-remove", args=[target.uuid])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert PortalInvitation.objects.count() == 1
    assert User.objects.filter(role=User.Role.FAMILY, is_active=True).count() == 2


def test_family_user_gets_404_on_staff_pages(client, family_user, case, other_family):
    own_appointment = PortalAppointmentFactory(case=case)
    own_referral = ReferralFactory(need=NeedFactory(case=case))
    needs, activities = case.needs.count(), case.activities.count()
    client.force_login(family_user)
    get_urls = [
        reverse("cases:caseload"),
        reverse("cases:caseload-export"),
        reverse("cases:search") + "?q=Hernandez",
        reverse("cases:intake"),
        reverse("cases:family-detail", args=[case.family.uuid]),
        reverse("cases:family-detail", args=[other_family["case"].family.uuid]),
        reverse("cases:case-detail", args=[case.uuid]),
        reverse("cases:case-detail", args=[other_family["case"].uuid]),
        reverse("cases:case-history", args=[case.uuid]),
        reverse("referrals:referral-list"),
        reverse("referrals:referral-detail", args=[own_referral.uuid]),
        reverse("referrals:referral-detail", args=[other_family["referral"].uuid]),
        reverse("referrals:appointment-edit", args=[own_appointment.uuid]),
        reverse("referrals:appointment-edit", args=[other_family["appointment"].uuid]),
        reverse("referrals:directory-search"),
        reverse("accounts:team-list"),
        reverse("accounts:team-detail", args=[case.team.uuid]),
    ]
    for url in get_urls:
        assert client.get(url).status_code == 404, url
    post_urls = [
        reverse("cases:need-add", args=[case.uuid]),
        reverse("cases:activity-add", args=[case.uuid]),
        reverse("referrals:appointment-outcome", args=[own_appointment.uuid]),
    ]
    for url in post_urls:
        assert client.post(url, {"description": "x", "status": "attended"}).status_code == 404, url
    own_appointment.refresh_from_db()
    assert own_appointment.status == "scheduled"
    assert case.needs.count() == needs
    assert case.activities.count() == activities


def test_family_user_is_not_let_into_the_admin_site(client, family_user):
    client.force_login(family_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response.url
