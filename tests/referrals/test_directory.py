"""Searching the service directory: filters, the page, scoping and query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Child, Family, Need, Program, ServiceCategory
from referrals.models import Service
from tests.queries import assert_queries_bounded

from .factories import (
    LanguageFactory,
    LocationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("referrals:directory-search")


def found(**filters):
    return set(Service.objects.listed().search(**filters).values_list("name", flat=True))


def names_on(response):
    return {service.name for service in response.context["page"].object_list}


def detail_url(service):
    return reverse("referrals:service-detail", args=[service.uuid])


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def make_need(*, team, coordinator, category="physical_therapy", language="es", other_language="", age=6):
    """A need of a child in a case of ``team``, built from the case side's models."""
    family = Family.objects.create(
        name="Rivera household", team=team, preferred_language=language, other_language=other_language
    )
    today = timezone.localdate()
    child = Child.objects.create(
        family=family,
        first_name="Leo",
        last_name="Rivera",
        date_of_birth=datetime.date(today.year - age, 1, 1),
    )
    case = Case.objects.create(
        family=family, program=Program.objects.order_by("pk").first(), team=team, coordinator=coordinator
    )
    return Need.objects.create(
        case=case,
        child=child,
        category=ServiceCategory.objects.get(code=category),
        description="Physical therapy close to home",
    )


def make_services(count):
    """``count`` services, each with two locations, two languages, a phone and categories."""
    for number in range(count):
        service = ServiceFactory(
            categories=["physical_therapy", "occupational_therapy"],
            locations=[LocationFactory(city="Northmere"), LocationFactory(city="Baywater")],
            languages=["en", "es"],
            minimum_age=0,
            maximum_age=21,
            insurance_accepted="CHIP, Medicaid",
        )
        PhoneFactory(service=service, number=f"555-01{number % 100:02d}")


# The search itself


def test_search_by_category():
    ServiceFactory(name="Therapy", categories=["physical_therapy"])
    ServiceFactory(name="Pantry", categories=["food"])

    assert found(category="physical_therapy") == {"Therapy"}
    assert found(category=ServiceCategory.objects.get(code="food")) == {"Pantry"}


def test_search_by_town_of_any_location():
    ServiceFactory(
        name="Two towns", locations=[LocationFactory(city="Baywater"), LocationFactory(city="Northmere")]
    )
    ServiceFactory(name="Elsewhere", locations=[LocationFactory(city="Alderwick")])

    assert found(town="northmere") == {"Two towns"}
    assert found(town="Alderwick") == {"Elsewhere"}


def test_search_by_language_of_the_service_or_its_location():
    ServiceFactory(name="Spanish service", languages=["es", "en"])
    location = LocationFactory()
    LanguageFactory(service=None, location=location, code="es", name="Spanish")
    ServiceFactory(name="Spanish front desk", languages=["en"], locations=[location])
    ServiceFactory(name="English only", languages=["en"])
    ServiceFactory(name="No languages listed")

    assert found(language="es") == {"Spanish service", "Spanish front desk"}
    assert found(language="Spanish") == {"Spanish service", "Spanish front desk"}
    # A service that lists no language is taken to be delivered in English.
    assert found(language="en") == {
        "Spanish service",
        "Spanish front desk",
        "English only",
        "No languages listed",
    }


def test_search_by_age_with_open_ends():
    ServiceFactory(name="Infants", minimum_age=0, maximum_age=3)
    ServiceFactory(name="Children", minimum_age=3, maximum_age=21)
    ServiceFactory(name="Adults", minimum_age=18)
    ServiceFactory(name="Anyone")

    assert found(age=0) == {"Infants", "Anyone"}
    assert found(age=3) == {"Infants", "Children", "Anyone"}
    assert found(age=21) == {"Children", "Adults", "Anyone"}


def test_search_by_insurance():
    ServiceFactory(name="Medicaid accepted", insurance_accepted="CHIP, Medicaid")
    ServiceFactory(name="Private only", insurance_accepted="Private")

    assert found(insurance="medicaid") == {"Medicaid accepted"}


def test_search_by_words_ignores_accents_and_case():
    ServiceFactory(name="Terapia del habla bilingüe")
    ServiceFactory(name="Duchenne clinic", description="Muscular dystrophy care")
    ServiceFactory(name="Pantry")

    assert found(text="BILINGUE habla") == {"Terapia del habla bilingüe"}
    assert found(text="duchenne dystrophy") == {"Duchenne clinic"}
    assert found(text="duchenne pantry") == set()


def test_search_combines_filters():
    ServiceFactory(
        name="Match", categories=["speech_therapy"], languages=["es"], minimum_age=2, maximum_age=12
    )
    ServiceFactory(name="Wrong age", categories=["speech_therapy"], languages=["es"], minimum_age=13)
    ServiceFactory(name="Wrong language", categories=["speech_therapy"], languages=["en"])

    assert found(category="speech_therapy", language="es", age=5) == {"Match"}


def test_listed_services_leave_out_inactive_and_defunct():
    ServiceFactory(name="Open", status=Service.Status.ACTIVE)
    ServiceFactory(name="Closed for now", status=Service.Status.TEMPORARILY_CLOSED)
    ServiceFactory(name="Gone", status=Service.Status.DEFUNCT)
    ServiceFactory(name="Paused", status=Service.Status.INACTIVE)

    assert found() == {"Open", "Closed for now"}


# The page


def test_directory_page_filters_by_every_field(coordinator_client):
    ServiceFactory(
        name="Match",
        categories=["physical_therapy"],
        locations=[LocationFactory(city="Northmere")],
        languages=["es"],
        minimum_age=0,
        maximum_age=21,
        insurance_accepted="Medicaid",
        description="Wheelchair seating clinic",
    )
    ServiceFactory(
        name="Other", categories=["physical_therapy"], locations=[LocationFactory(city="Baywater")]
    )
    query = {
        "category": "physical_therapy",
        "town": "Northmere",
        "language": "es",
        "age": "7",
        "insurance": "Medicaid",
        "text": "wheelchair",
    }

    response = coordinator_client.get(SEARCH_URL, query)

    assert response.status_code == 200
    assert names_on(response) == {"Match"}
    assert "Wheelchair" not in names_on(response)


def test_directory_page_lists_everything_listed_without_filters(coordinator_client):
    ServiceFactory(name="Active")
    ServiceFactory(name="Defunct", status=Service.Status.DEFUNCT)

    response = coordinator_client.get(SEARCH_URL)

    assert names_on(response) == {"Active"}
    assert "1 service found" in response.content.decode()


def test_directory_page_shows_form_errors_and_no_results(coordinator_client):
    ServiceFactory(name="Anything")

    response = coordinator_client.get(SEARCH_URL, {"age": "old"})

    assert response.context["form"].errors["age"]
    assert names_on(response) == set()


def test_directory_page_has_25_services_a_page(coordinator_client):
    for number in range(30):
        ServiceFactory(name=f"Service {number:02d}")

    first = coordinator_client.get(SEARCH_URL)
    second = coordinator_client.get(SEARCH_URL, {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "?page=2" in first.content.decode()


def test_each_result_has_a_spot_for_the_refer_button(coordinator_client):
    ServiceFactory(name="Therapy")

    content = coordinator_client.get(SEARCH_URL).content.decode()

    assert 'data-testid="service-result"' in content


def test_service_detail_shows_locations_hours_and_phones(coordinator_client):
    location = LocationFactory(name="Harbor office", city="Kestrel Harbor", hours="Mon–Fri 08:30–17:00")
    service = ServiceFactory(
        name="Pediatric Physical Therapy",
        locations=[location],
        eligibility_description="Children from birth to 21",
        insurance_accepted="CHIP, Medicaid",
    )
    PhoneFactory(service=service, number="555-0142", description="Scheduling")
    ScheduleFactory(location=None, service=service, byday="SA", opens_at="09:00", closes_at="12:00")

    response = coordinator_client.get(detail_url(service))

    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Harbor office",
        "Kestrel Harbor",
        "Mon–Fri 08:30–17:00",
        "555-0142",
        "Sat 09:00–12:00",
        "CHIP, Medicaid",
    ):
        assert text in content


def test_service_detail_of_an_unknown_service_is_404(coordinator_client):
    response = coordinator_client.get(
        reverse("referrals:service-detail", args=["0" * 8 + "-0000-0000-0000-" + "0" * 12])
    )

    assert response.status_code == 404


# Who may search


@pytest.mark.parametrize("page", ["search", "detail"])
def test_family_users_get_404(client, family_user, page):
    service = ServiceFactory()
    client.force_login(family_user)

    response = client.get(SEARCH_URL if page == "search" else detail_url(service))

    assert response.status_code == 404


@pytest.mark.parametrize("page", ["search", "detail"])
def test_anonymous_users_are_sent_to_sign_in(client, page):
    service = ServiceFactory()
    url = SEARCH_URL if page == "search" else detail_url(service)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Searching for a need


def test_a_need_fills_in_category_age_and_language(coordinator_client, team, coordinator):
    need = make_need(team=team, coordinator=coordinator, category="physical_therapy", language="es", age=6)
    ServiceFactory(
        name="Spanish PT", categories=["physical_therapy"], languages=["es"], minimum_age=0, maximum_age=21
    )
    ServiceFactory(name="English PT", categories=["physical_therapy"], languages=["en"])
    ServiceFactory(name="Teen PT", categories=["physical_therapy"], languages=["es"], minimum_age=13)
    ServiceFactory(name="Spanish pantry", categories=["food"], languages=["es"])

    response = coordinator_client.get(SEARCH_URL, {"need": str(need.uuid)})

    form = response.context["form"]
    assert (form.data["category"], form.data["age"], form.data["language"]) == ("physical_therapy", "6", "es")
    assert names_on(response) == {"Spanish PT"}
    content = response.content.decode()
    assert "Finding a service for:" in content
    assert 'data-testid="finding-for"' in content


def test_a_family_speaking_another_language_searches_by_its_name(coordinator_client, team, coordinator):
    need = make_need(team=team, coordinator=coordinator, language="other", other_language="Portuguese")
    ServiceFactory(name="Portuguese PT", categories=["physical_therapy"], languages=[])
    LanguageFactory(service=Service.objects.get(name="Portuguese PT"), code="pt", name="Portuguese")

    response = coordinator_client.get(SEARCH_URL, {"need": str(need.uuid)})

    assert response.context["form"].data["language"] == "Portuguese"
    assert names_on(response) == {"Portuguese PT"}


def test_filters_in_the_query_replace_the_needs(coordinator_client, team, coordinator):
    need = make_need(team=team, coordinator=coordinator, category="physical_therapy", language="es")
    ServiceFactory(name="English food", categories=["food"], languages=["en"])

    response = coordinator_client.get(
        SEARCH_URL, {"need": str(need.uuid), "category": "food", "language": "", "age": ""}
    )

    assert names_on(response) == {"English food"}


def test_a_need_of_another_team_is_404(coordinator_client, other_team, outsider):
    need = make_need(team=other_team, coordinator=outsider)

    response = coordinator_client.get(SEARCH_URL, {"need": str(need.uuid)})

    assert response.status_code == 404
    assert coordinator_client.get(detail_url(ServiceFactory()), {"need": str(need.uuid)}).status_code == 404


def test_a_malformed_need_is_404(coordinator_client):
    assert coordinator_client.get(SEARCH_URL, {"need": "not-a-uuid"}).status_code == 404


def test_an_administrator_may_search_for_any_need(client, other_team, outsider, admin):
    need = make_need(team=other_team, coordinator=outsider)
    client.force_login(admin)

    assert client.get(SEARCH_URL, {"need": str(need.uuid)}).status_code == 200


def test_service_detail_keeps_the_need(coordinator_client, team, coordinator):
    need = make_need(team=team, coordinator=coordinator)
    service = ServiceFactory()

    content = coordinator_client.get(detail_url(service), {"need": str(need.uuid)}).content.decode()

    assert "Finding a service for:" in content
    assert f"?need={need.uuid}" in content


# Query counts do not grow with the directory


def test_directory_page_query_count_is_bounded(coordinator_client):
    added = []

    def add_services(count):
        make_services(count)
        added.append(count)

    def load():
        response = coordinator_client.get(SEARCH_URL, {"category": "physical_therapy"})
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == min(sum(added), 25)

    # The navigation counts the unread items; the access log writes its entry; areas served are listed.
    assert_queries_bounded(add_rows=add_services, load=load, ceiling=14)


def test_directory_page_for_a_need_query_count_is_bounded(coordinator_client, team, coordinator):
    need = make_need(team=team, coordinator=coordinator, language="es")
    added = []

    def add_services(count):
        make_services(count)
        added.append(count)

    def load():
        response = coordinator_client.get(SEARCH_URL, {"need": str(need.uuid)})
        assert len(response.context["page"].object_list) == min(sum(added), 25)

    assert_queries_bounded(
        add_rows=add_services, load=load, ceiling=15
    )  # the inbox count in the navigation, the access-log entry


def test_service_detail_query_count_is_bounded(coordinator_client):
    service = ServiceFactory(languages=["en", "es"], categories=["medical"])
    added = []

    def add_locations(count):
        for _number in range(count):
            location = LocationFactory()
            PhoneFactory(service=None, location=location)
            ScheduleFactory(location=None, service=service)
            LanguageFactory(service=None, location=location)
            ServiceAtLocationFactory(service=service, location=location)
        added.append(count)

    def load():
        response = coordinator_client.get(detail_url(service))
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="service-location"') == sum(added)

    assert_queries_bounded(
        add_rows=add_locations, load=load, ceiling=20
    )  # the inbox count, the access-log entry; areas, documents, costs, contacts, accessibility, hours
