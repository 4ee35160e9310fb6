"""Search that knows eligibility and distance: age, town, postcode, insurance and language of a family."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Family
from referrals.demo import SAMPLE_DIRECTORY
from referrals.eligibility import eligibility_for
from referrals.geo import distance_km, postcode_point
from referrals.hsds import directory_import
from referrals.models import Location, Service
from tests.cases.factories import CaseFactory, ChildFactory, FamilyFactory, NeedFactory
from tests.queries import assert_queries_bounded

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("referrals:directory-search")


@pytest.fixture
def directory():
    directory_import(directory=SAMPLE_DIRECTORY)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def need_for(
    team, coordinator, *, age, town="Riverton", postal_code="12603", insurance="Medicaid", category="medical"
):
    family = FamilyFactory(
        team=team,
        town=town,
        postal_code=postal_code,
        insurance=insurance,
        preferred_language=Family.Language.SPANISH,
    )
    case = CaseFactory(family=family, team=team, coordinator=coordinator)
    today = timezone.localdate()
    child = ChildFactory(family=family, date_of_birth=datetime.date(today.year - age, 1, 1))
    return NeedFactory(case=case, child=child, category_code=category)


def service(name):
    return Service.objects.prefetch_related("languages").get(name=name)


def test_a_postcode_is_located_from_the_table_the_zipcodes_package_ships():
    point = postcode_point("12603")

    assert (round(point.latitude, 2), round(point.longitude, 2)) == (41.69, -73.86)
    assert postcode_point("12603-4567") == point
    assert postcode_point("00000") is None
    assert postcode_point("Riverton") is None


def test_distances_are_computed_by_the_database(directory):
    riverton = postcode_point("12603")

    nearest = Location.objects.annotate(km=distance_km(riverton)).order_by("km").values_list("name", "km")[:2]

    (first, km), _second = nearest
    assert first in {"KVCH Rehabilitation – Riverton", "Little Steps Office", "Sunny Days Resource Center"}
    assert km < 1.5


def test_services_sort_nearest_first_from_a_postcode(directory):
    services = Service.objects.listed().nearest_first(postcode_point("12590"))  # Alderwick

    assert services[0].name == "Weekly Food Pantry"
    distances = [found.distance for found in services]
    assert distances == sorted(distances)


def test_a_child_in_the_age_range_is_likely_eligible(directory):
    result = eligibility_for(
        service("Pediatric Neuromuscular Clinic"), age=6, town="Riverton", postcode="12603"
    )

    assert result.likely


def test_a_17_year_old_is_not_likely_eligible_for_a_service_for_ages_0_to_3(directory):
    result = eligibility_for(service("Early Intervention Home Visits"), age=17)

    assert not result.likely
    assert [(reason.kind, reason.values) for reason in result.reasons] == [
        ("age", {"age": 17, "minimum": "0", "maximum": "3"})
    ]


def test_a_family_outside_the_area_served_is_told_which_towns_it_serves(directory):
    result = eligibility_for(service("Emergency Rent and Utility Help"), town="Riverton", postcode="12603")

    assert [(reason.kind, reason.values) for reason in result.reasons] == [
        ("area", {"place": "Riverton", "served": "Millbrook"})
    ]
    assert eligibility_for(service("Emergency Rent and Utility Help"), postcode="12545").likely


def test_insurance_the_service_does_not_accept_is_a_reason(directory):
    result = eligibility_for(service("Summer Therapy Camp"), insurance="Medicaid")

    assert [reason.kind for reason in result.reasons] == ["insurance"]
    assert eligibility_for(service("Pediatric Neuromuscular Clinic"), insurance="medicaid").likely


def test_a_language_no_one_speaks_is_a_reason(directory):
    assert [
        reason.kind for reason in eligibility_for(service("Summer Therapy Camp"), language="es").reasons
    ] == ["language"]
    assert eligibility_for(service("Terapia del habla bilingüe"), language="es").likely


def test_the_areas_served_are_derived_from_the_service_areas(directory):
    rent = Service.objects.get(name="Emergency Rent and Utility Help")
    clinic = Service.objects.get(name="Pediatric Neuromuscular Clinic")

    assert (rent.served_towns, rent.served_postcodes) == ("|millbrook|", "|12545|")
    assert clinic.served_postcodes == "|12538|12545|12590|12601|12603|"


def test_search_keeps_services_that_serve_the_town_or_postcode(directory):
    by_postcode = set(Service.objects.listed().search(serves="12603").values_list("name", flat=True))
    by_town = set(Service.objects.listed().search(serves="riverton").values_list("name", flat=True))

    assert "Emergency Rent and Utility Help" not in by_postcode
    assert "Weekly Food Pantry" in by_postcode
    assert by_town == by_postcode


def test_search_by_accessibility_free_option_and_opening_day(directory):
    step_free = set(Service.objects.listed().search(accessibility="step-free").values_list("name", flat=True))
    free = set(Service.objects.listed().search(free=True).values_list("name", flat=True))
    saturday = set(Service.objects.listed().search(open_on="SA").values_list("name", flat=True))

    assert "Pediatric Neuromuscular Clinic" in step_free
    assert (
        "Terapia del habla bilingüe" not in step_free
    )  # second floor, no elevator: "elevator" is said, though
    assert {"Weekly Food Pantry", "Child Care Referral Line"} <= free
    assert Service.objects.get(name="Summer Therapy Camp").has_free_option  # not listed: inactive
    assert "Weekly Food Pantry" in saturday
    assert "Family Legal Aid" not in saturday


def test_searching_for_a_child_shows_likely_eligible_or_the_reason_not(
    coordinator_client, directory, team, coordinator
):
    need = need_for(team, coordinator, age=17, category="early_intervention")

    response = coordinator_client.get(SEARCH_URL, {"need": need.uuid, "age": "", "category": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Age 17, service 0–3" in page
    assert "Likely eligible" in page


def test_a_need_sorts_by_distance_from_the_familys_postcode_and_keeps_its_area(
    coordinator_client, directory, team, coordinator
):
    need = need_for(team, coordinator, age=6, town="Alderwick", postal_code="12590", category="food")

    response = coordinator_client.get(SEARCH_URL, {"need": need.uuid})

    services = list(response.context["page"].object_list)
    assert [found.name for found in services] == ["Weekly Food Pantry"]
    assert services[0].distance < 2
    assert "km away" in response.content.decode()
    assert response.context["form"]["near"].value() == "12590"


def test_an_unknown_postcode_to_sort_from_is_a_form_error(coordinator_client, directory):
    response = coordinator_client.get(SEARCH_URL, {"near": "99999x"})

    assert response.status_code == 200
    assert "This is not a US postcode the directory knows." in response.content.decode()


def test_the_service_page_shows_what_a_coordinator_needs_to_refer(coordinator_client, directory):
    clinic = Service.objects.get(name="Pediatric Neuromuscular Clinic")

    response = coordinator_client.get(reverse("referrals:service-detail", args=[clinic.uuid]))

    page = response.content.decode()
    for expected in (
        "Referral from the child&#x27;s primary care provider",  # documents to bring
        "Step-free entrance, elevators to every floor",  # accessibility of the location
        "Harbor City, Riverton, Eastport, Millbrook, Alderwick",  # areas served
        "Dana Whitfield",  # the referral contact
        "555-0121",
        "New patients are usually seen within 3 weeks.",
        "Mon–Fri 07:30–18:00",
    ):
        assert expected in page, expected


def test_the_service_page_lists_the_cost_options(coordinator_client, directory):
    camp = Service.objects.get(name="Summer Therapy Camp")

    page = coordinator_client.get(reverse("referrals:service-detail", args=[camp.uuid])).content.decode()

    assert "Full week: 150 USD (per week, lunch included)" in page
    assert "Families with Medicaid or CHIP: no charge" in page


def test_the_service_page_for_a_child_says_whether_they_are_likely_eligible(
    coordinator_client, directory, team, coordinator
):
    need = need_for(team, coordinator, age=6)
    rent = Service.objects.get(name="Emergency Rent and Utility Help")

    page = coordinator_client.get(
        reverse("referrals:service-detail", args=[rent.uuid]), {"need": need.uuid}
    ).content.decode()

    assert "Lives in Riverton; the service serves Millbrook" in page


def test_the_service_page_query_count_does_not_grow_with_its_records(coordinator_client, directory):
    clinic = Service.objects.get(name="Pediatric Neuromuscular Clinic")
    url = reverse("referrals:service-detail", args=[clinic.uuid])

    def add_documents(count):
        from referrals.models import RequiredDocument

        start = RequiredDocument.objects.count()
        RequiredDocument.objects.bulk_create(
            RequiredDocument(hsds_id=f"document-{start + index}", service=clinic, document="A letter")
            for index in range(count)
        )

    assert_queries_bounded(add_rows=add_documents, load=lambda: coordinator_client.get(url), ceiling=30)
