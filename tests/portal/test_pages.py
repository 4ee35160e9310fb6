"""The portal's pages: what a family sees, what it never sees, in its language, in bounded queries."""

import datetime
import io
import os

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from referrals.models import ReferralEvent
from tests.cases.factories import ActivityFactory, CaseFactory, ChildFactory, FamilyFactory, GoalFactory
from tests.queries import assert_queries_bounded
from tests.referrals.factories import ReferralFactory

from .factories import PortalAppointmentFactory

pytestmark = pytest.mark.django_db

MARKER = "INTERNAL-MARKER-7Q"


@pytest.fixture
def english(client):
    """Pages in English: assertions on the portal's own words hold before and after translation."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def booked(case, mateo, coordinator):
    """Mateo's appointments: one upcoming with everything filled in, one past, one too old to show.

    Every internal record of the case carries the marker string.
    """
    upcoming = PortalAppointmentFactory(
        case=case,
        child=mateo,
        provider="Pediatric Neuromuscular Clinic",
        place="KVCH Main Campus",
        address="100 Lighthouse Road, Kestrel Harbor",
        start=timezone.now() + datetime.timedelta(days=3),
        instructions_for_family="Bring the Medicaid card and the list of medicines.",
        transportation_arranged=True,
        transportation_details="Medicaid van, pick-up at 8:00",
        internal_notes=f"{MARKER} mother prefers calls after 4 pm",
    )
    past = PortalAppointmentFactory(
        case=case,
        child=mateo,
        provider="Riverton Pediatrics",
        start=timezone.now() - datetime.timedelta(days=20),
        status="attended",
        internal_notes=f"{MARKER} past",
    )
    old = PortalAppointmentFactory(
        case=case,
        child=mateo,
        provider="Long Ago Clinic",
        start=timezone.now() - datetime.timedelta(days=200),
    )
    GoalFactory(
        case=case, description="Mateo sees a Duchenne specialist.", next_steps="Go to the clinic visit."
    )
    GoalFactory(
        case=case,
        description=f"{MARKER} unshared goal",
        next_steps=f"{MARKER} steps",
        shared_with_family=False,
    )
    ActivityFactory(case=case, summary=f"{MARKER} activity", with_whom=f"{MARKER} whom")
    referral = ReferralFactory(
        need__case=case, outside_provider="Housing Partner", note=f"{MARKER} referral note"
    )
    ReferralEvent.objects.create(referral=referral, to_status="requested", note=f"{MARKER} event")
    case.summary = f"{MARKER} case summary"
    case.save()
    return {"upcoming": upcoming, "past": past, "old": old}


def test_portal_home_shows_what_the_family_needs(english, family_user, booked, coordinator):
    coordinator.phone = "555-0100 ext. 13"
    coordinator.save()
    english.force_login(family_user)
    content = english.get(reverse("portal:home")).content.decode()
    assert "Mateo" in content
    assert "Pediatric Neuromuscular Clinic" in content
    assert "KVCH Main Campus" in content
    assert "100 Lighthouse Road, Kestrel Harbor" in content
    assert "https://www.openstreetmap.org/search?query=100+Lighthouse+Road%2C+Kestrel+Harbor" in content
    assert "Bring the Medicaid card and the list of medicines." in content
    assert "A ride is arranged." in content
    assert "Medicaid van, pick-up at 8:00" in content
    assert "Scheduled" in content
    # The past appointment of the last six months, not the one older than that.
    assert "Riverton Pediatrics" in content
    assert "Attended" in content
    assert "Long Ago Clinic" not in content
    # The coordinator, and the shared goal with its next steps.
    assert coordinator.get_full_name() in content
    assert "555-0100 ext. 13" in content
    assert 'href="tel:5550100,13"' in content
    assert "Mateo sees a Duchenne specialist." in content
    assert "Go to the clinic visit." in content


def test_portal_never_shows_anything_internal(client, family_user, booked):
    client.force_login(family_user)
    for name in ("portal:home", "portal:summary-print"):
        content = client.get(reverse(name)).content.decode()
        assert MARKER not in content
        assert "Housing Partner" not in content
        assert "internal" not in content.lower()


def test_portal_never_shows_another_familys_appointments(client, family_user, booked):
    other = CaseFactory(family=FamilyFactory(name="Other household"))
    PortalAppointmentFactory(case=other, provider="Other Family Clinic")
    client.force_login(family_user)
    content = client.get(reverse("portal:home")).content.decode()
    assert "Other Family Clinic" not in content
    assert "Other household" not in content


def test_portal_opens_in_spanish_for_a_spanish_family(client, family_user, booked):
    """Signing in sets the family's language; dates come out in Spanish (Django's own words)."""
    family_user.set_password("a-test-password-123")
    family_user.save()
    response = client.post(
        reverse("login"), {"username": family_user.username, "password": "a-test-password-123"}, follow=True
    )
    content = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert 'lang="es"' in content
    start = timezone.localtime(booked["upcoming"].start)
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre"]
    months += ["octubre", "noviembre", "diciembre"]
    assert f"{start.day} de {months[start.month - 1]} de {start.year}" in content
    # Spanish time format: 24-hour clock.
    assert start.strftime("%H:%M") in content
    assert "Bring the Medicaid card" in content


def test_caregiver_can_switch_to_english_and_the_choice_is_kept(client, family_user, booked):
    family_user.set_password("a-test-password-123")
    family_user.language = ""
    family_user.save()
    client.post(reverse("login"), {"username": family_user.username, "password": "a-test-password-123"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    client.post(reverse("set_language"), {"language": "en", "next": reverse("portal:home")})
    assert 'lang="en"' in client.get(reverse("portal:home")).content.decode()
    family_user.refresh_from_db()
    assert family_user.language == "en"
    # The next sign-in opens in the language last chosen.
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": family_user.username, "password": "a-test-password-123"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_staff_sign_in_does_not_change_their_language(client, coordinator):
    coordinator.set_password("a-test-password-123")
    coordinator.save()
    client.post(reverse("login"), {"username": coordinator.username, "password": "a-test-password-123"})
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_printable_summary_has_one_page_per_child(english, family, family_user, booked):
    ChildFactory(family=family, first_name="Lucía")
    english.force_login(family_user)
    content = english.get(reverse("portal:summary-print")).content.decode()
    assert content.count('class="child-page"') == 2
    # Each child's page ends with a page break, in the stylesheet the page links to.
    assert '<link rel="stylesheet" href="/static/css/summary-print.css">' in content
    with open(finders.find("css/summary-print.css"), encoding="utf-8") as stylesheet:
        assert ".child-page { break-after: page;" in stylesheet.read()
    assert "Appointments for Mateo" in content
    assert "Appointments for Lucía" in content


def weasyprint_works():
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


needs_weasyprint = pytest.mark.skipif(
    not weasyprint_works() and os.environ.get("CI", "").lower() not in {"1", "true", "yes"},
    reason="WeasyPrint needs Debian's libpango-1.0-0 and libpangoft2-1.0-0",
)


@needs_weasyprint
def test_pdf_summary_is_a_pdf_with_the_appointments_and_nothing_internal(english, family_user, booked):
    from pypdf import PdfReader

    english.force_login(family_user)
    response = english.get(reverse("portal:summary-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Pediatric Neuromuscular Clinic" in text
    assert "Medicaid van, pick-up at 8:00" in text
    assert "Riverton Pediatrics" in text
    assert MARKER not in text
    assert len(reader.pages) == 1


@needs_weasyprint
def test_pdf_summary_puts_each_child_on_its_own_page(english, family, family_user, booked):
    from pypdf import PdfReader

    lucia = ChildFactory(family=family, first_name="Lucía")
    PortalAppointmentFactory(case=booked["upcoming"].case, child=lucia, provider="Clínica Dental")
    english.force_login(family_user)
    reader = PdfReader(io.BytesIO(english.get(reverse("portal:summary-pdf")).content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 2
    (lucia_page,) = [page for page in pages if "Appointments for Lucía" in page]
    (mateo_page,) = [page for page in pages if "Appointments for Mateo" in page]
    assert "Clínica Dental" in lucia_page
    assert "Pediatric Neuromuscular Clinic" not in lucia_page
    assert "Pediatric Neuromuscular Clinic" in mateo_page
    assert "Clínica Dental" not in mateo_page


def test_family_login_not_linked_to_a_caregiver_sees_no_data(client, booked):
    from tests.accounts.factories import FamilyUserFactory

    client.force_login(FamilyUserFactory())
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "Pediatric Neuromuscular Clinic" not in response.content.decode()


def test_portal_home_query_count_does_not_grow_with_appointments(client, case, family, family_user):
    children = [ChildFactory(family=family) for _ in range(3)]
    added = []

    def add_appointments_and_goals(count):
        for index in range(len(added), len(added) + count):
            # Half before today and half after: +1, -1, +2, -2, ... days.
            days = (index // 2 + 1) * (1 if index % 2 == 0 else -1)
            PortalAppointmentFactory(
                case=case, child=children[index % 3], start=timezone.now() + datetime.timedelta(days=days)
            )
            GoalFactory(case=case, child=children[index % 3])
            added.append(index)

    client.force_login(family_user)

    def load():
        response = client.get(reverse("portal:home"))
        assert response.status_code == 200
        assert response.content.decode().count("portal-appointment ") >= len(added) // 2

    assert_queries_bounded(add_rows=add_appointments_and_goals, load=load, ceiling=9)
