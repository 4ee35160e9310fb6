"""The HSDS 3.0 API at /hsds/: every endpoint's answers validate against the specification's JSON schemas."""

import json

import jsonschema
import pytest
import referencing
from django.urls import reverse
from referencing.jsonschema import DRAFT202012

from referrals.demo import SAMPLE_DIRECTORY
from referrals.hsds import directory_import
from referrals.models import Service
from tests.queries import assert_queries_bounded

from .factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SCHEMAS = SAMPLE_DIRECTORY.parent / "hsds" / "spec" / "schema"
OPENAPI = json.loads((SCHEMAS / "openapi.json").read_text(encoding="utf-8"))
SPEC_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
TOKEN = "a-test-token-that-is-long-enough-0123456789"
CLINIC = "08c1a30c-a64a-5808-a21c-2f7619efe534"  # Pediatric Neuromuscular Clinic
HOSPITAL = "007ee439-3013-5979-94cc-44608fca9dfe"  # Kestrel Valley Children's Hospital


def _registry():
    """The vendored schemas, by file name and by the specification's own addresses of them."""
    resources = []
    for path in [*SCHEMAS.glob("*.json"), *SCHEMAS.glob("compiled/*.json")]:
        if path.name == "openapi.json":
            continue
        resource = DRAFT202012.create_resource(json.loads(path.read_text(encoding="utf-8")))
        relative = path.relative_to(SCHEMAS).as_posix()
        resources += [(relative, resource), (SPEC_URL + relative, resource)]
    return referencing.Registry().with_resources(resources)


REGISTRY = _registry()


def response_schema(path):
    """The schema the specification's OpenAPI document gives for a 200 answer of ``path``.

    The compiled whole-object schemas are not vendored: they are the schemas of ``schema/`` with
    their references written out, so the source schema stands in for each.
    """
    schema = OPENAPI["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    if path == "/service_at_locations/{id}":
        schema = {"$ref": f"{SPEC_URL}compiled/service_at_location.json"}  # see docs/directory.md
    text = json.dumps(schema).replace('"#/components/schemas/Page"', '"urn:page"')
    for name in ("service", "organization", "service_at_location"):
        text = text.replace(f"{SPEC_URL}compiled/{name}.json", f"{SPEC_URL}{name}.json")
    return json.loads(text)


PAGE = DRAFT202012.create_resource(OPENAPI["components"]["schemas"]["Page"])


def assert_valid(path, body):
    registry = REGISTRY.with_resource("urn:page", PAGE)
    validator = jsonschema.Draft202012Validator(
        response_schema(path), registry=registry, format_checker=jsonschema.FormatChecker()
    )
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(body)]
    assert not errors, "\n".join(errors[:10])


@pytest.fixture
def directory():
    directory_import(directory=SAMPLE_DIRECTORY)


@pytest.fixture(autouse=True)
def public_api(settings):
    settings.CARECOORD_HSDS_API = "public"


def get(client, name, *, id=None, **params):
    url = reverse(f"hsds:{name}", kwargs={"id": id} if id else None)
    return client.get(url, params)


ENDPOINTS = [
    ("/", "root", None, {}),
    ("/services", "service-list", None, {}),
    ("/services", "service-list", None, {"full": "true", "per_page": "5"}),
    ("/services", "service-list", None, {"minimal": "true"}),
    ("/services/{id}", "service-detail", CLINIC, {}),
    ("/organizations", "organization-list", None, {}),
    ("/organizations", "organization-list", None, {"full": "true", "full_service": "true", "per_page": "3"}),
    ("/organizations/{id}", "organization-detail", HOSPITAL, {}),
    ("/organizations/{id}", "organization-detail", HOSPITAL, {"full_service": "1"}),
    ("/taxonomies", "taxonomy-list", None, {}),
    ("/taxonomies/{id}", "taxonomy-detail", "TAXONOMY", {}),
    ("/taxonomy_terms", "taxonomy-term-list", None, {}),
    ("/taxonomy_terms/{id}", "taxonomy-term-detail", "6c33b6c5-202a-5000-89a8-b7bf4c071760", {}),
    ("/service_at_locations", "service-at-location-list", None, {}),
    ("/service_at_locations", "service-at-location-list", None, {"full": "true", "per_page": "4"}),
    ("/service_at_locations", "service-at-location-list", None, {"postcode": "12603", "proximity": "20000"}),
    (
        "/service_at_locations/{id}",
        "service-at-location-detail",
        "e26999d7-c001-58c9-b2b5-7ce6993c6027",
        {},
    ),
]


@pytest.mark.parametrize(("path", "name", "id", "params"), ENDPOINTS)
def test_every_endpoint_answers_as_the_specifications_schema_says(client, directory, path, name, id, params):
    if id == "TAXONOMY":
        from referrals.models import Taxonomy

        id = Taxonomy.objects.order_by("pk").first().hsds_id

    response = get(client, name, id=id, **params)

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert_valid(path, response.json())


def test_the_root_names_the_version_and_the_openapi_document(client):
    body = get(client, "root").json()

    assert body["version"] == "3.0"
    assert body["openapi_url"] == "http://testserver/hsds/openapi.json"


def test_the_openapi_document_is_the_specifications_with_this_api_filled_in(client, settings):
    settings.CARECOORD_HSDS_API = "token"
    settings.CARECOORD_HSDS_API_TOKENS = [TOKEN]

    document = client.get(reverse("hsds:openapi"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()

    assert document["openapi"] == "3.1.0"
    assert document["paths"].keys() == OPENAPI["paths"].keys()
    assert document["servers"] == [{"url": "http://testserver/hsds"}]
    assert "REQUIRED" not in json.dumps(document["info"])
    assert document["security"] == [{"token": []}]


def test_a_full_service_nests_everything_a_coordinator_needs(client, directory):
    service = get(client, "service-detail", id=CLINIC).json()

    assert service["name"] == "Pediatric Neuromuscular Clinic"
    assert service["organization"]["name"] == "Kestrel Valley Children's Hospital"
    assert service["program"]["name"] == "Neuromuscular Care Program"
    assert {document["document"] for document in service["required_documents"]} >= {
        "Referral from the child's primary care provider"
    }
    assert [contact["name"] for contact in service["contacts"]] == ["Dana Whitfield"]
    assert service["contacts"][0]["phones"][0]["number"] == "555-0121"
    location = service["service_at_locations"][0]["location"]
    assert location["addresses"][0]["city"] == "Harbor City"
    assert location["accessibility"][0]["description"].startswith("Step-free entrance")
    assert {area["name"] for area in service["service_areas"]} == {
        "Harbor City",
        "Riverton",
        "Eastport",
        "Millbrook",
        "Alderwick",
    }
    assert {attribute["taxonomy_term"]["name"] for attribute in service["attributes"]} >= {"Medicaid"}
    assert service["metadata"][0]["field_name"] == "fees_description"


def test_services_are_paginated_with_the_page_shape(client, directory):
    body = get(client, "service-list", per_page=4, page=2).json()

    assert {key: body[key] for key in body if key != "contents"} == {
        "total_items": 15,
        "total_pages": 4,
        "page_number": 2,
        "size": 4,
        "first_page": False,
        "last_page": False,
        "empty": False,
    }
    last = get(client, "service-list", per_page=4, page=4).json()
    assert (last["size"], last["last_page"]) == (3, True)
    beyond = get(client, "service-list", per_page=4, page=9).json()
    assert (beyond["contents"], beyond["last_page"]) == ([], True)


def test_service_filters_are_cumulative(client, directory):
    hospital = HOSPITAL
    medicaid = "590b49e2-c86f-593b-96e1-0e2a61813798"

    by_organization = get(client, "service-list", organization_id=hospital).json()
    by_term = get(client, "service-list", taxonomy_term_id=medicaid).json()
    both = get(client, "service-list", organization_id=hospital, taxonomy_term_id=medicaid).json()
    words = get(client, "service-list", search="duchenne").json()

    assert [service["name"] for service in by_organization["contents"]] == ["Pediatric Neuromuscular Clinic"]
    assert by_term["total_items"] == 9
    assert both["total_items"] == 1
    assert [service["name"] for service in words["contents"]] == ["Pediatric Neuromuscular Clinic"]


def test_modified_after_lists_only_services_changed_since(client, directory):
    Service.objects.update(last_modified="2026-01-01T00:00:00Z")
    Service.objects.filter(hsds_id=CLINIC).update(last_modified="2026-10-01T12:00:00Z")

    body = get(client, "service-list", modified_after="2026-09-30T00:00:00Z", minimal="true").json()

    assert body["contents"] == [
        {
            "id": CLINIC,
            "name": "Pediatric Neuromuscular Clinic",
            "status": "active",
            "last_modified": "2026-10-01T12:00:00.000Z",
        }
    ]


def test_services_at_locations_near_a_postcode_come_nearest_first(client, directory):
    body = get(client, "service-at-location-list", postcode="12590", proximity="5000").json()

    names = [link["location"]["name"] for link in body["contents"]]
    assert names == ["Alderwick Food Pantry"]  # the only place within 5 km of Wappingers Falls' centre


def test_a_postcode_keeps_only_services_that_serve_it(client, directory):
    body = get(client, "service-at-location-list", postcode="12590", per_page=100).json()

    services = {link["service"]["name"] for link in body["contents"]}
    assert "Emergency Rent and Utility Help" not in services  # it serves Millbrook (12545) only
    assert "Weekly Food Pantry" in services


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "0"}, "page must be a whole number 1 or more, not '0'."),
        ({"per_page": "5000"}, "per_page must be a whole number from 1 to 200, not '5000'."),
        ({"full": "maybe"}, "full must be true or false, not 'maybe'."),
        ({"modified_after": "last week"}, "modified_after must be a date and time"),
        ({"format": "ndjson"}, "format must be json"),
    ],
)
def test_a_bad_query_is_answered_400_with_what_was_wrong(client, params, message):
    response = get(client, "service-list", **params)

    assert response.status_code == 400
    assert message in response.json()["error"]


def test_an_unknown_id_is_404(client, directory):
    response = get(client, "service-detail", id="no-such-service")

    assert response.status_code == 404
    assert response.json() == {"error": "No service has id 'no-such-service'."}


def test_with_a_token_setting_the_api_refuses_a_request_without_a_valid_token(client, settings, directory):
    settings.CARECOORD_HSDS_API = "token"
    settings.CARECOORD_HSDS_API_TOKENS = [TOKEN]
    url = reverse("hsds:service-list")

    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_switched_off_the_api_is_not_there(client, settings):
    settings.CARECOORD_HSDS_API = "off"

    assert get(client, "root").status_code == 404


def test_the_api_only_reads(client, directory):
    response = client.post(reverse("hsds:service-list"), {})

    assert response.status_code == 405


def _services(count):
    location = LocationFactory(latitude="41.7", longitude="-73.9")
    ServiceFactory.create_batch(count, locations=[location], languages=["en", "es"])


def test_a_page_of_full_services_takes_the_same_queries_for_5_or_50(client):
    assert_queries_bounded(
        add_rows=_services,
        load=lambda: get(client, "service-list", full="true", per_page=50),
        ceiling=45,
    )


def test_a_page_of_services_at_locations_takes_the_same_queries_for_5_or_50(client):
    assert_queries_bounded(
        add_rows=_services,
        load=lambda: get(client, "service-at-location-list", full="true", per_page=50),
        ceiling=60,
    )


QUERY_NAMES = {
    "service-list": (
        "search",
        "page",
        "per_page",
        "format",
        "taxonomy_term_id",
        "taxonomy_id",
        "organization_id",
        "modified_after",
        "minimal",
        "full",
    ),
    "organization-list": ("search", "full_service", "full", "page", "per_page", "format"),
    "taxonomy-term-list": ("search", "page", "per_page", "taxonomy_id", "top_only", "parent_id"),
    "service-at-location-list": (
        "search",
        "taxonomy_term_id",
        "organization_id",
        "modified_after",
        "full",
        "page",
        "per_page",
        "postcode",
        "proximity",
    ),
}


@pytest.mark.parametrize("name", list(QUERY_NAMES))
def test_generated_queries_never_break_the_api(client, name):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.properties.inputs import odd_text

    ServiceFactory(locations=[LocationFactory(latitude="41.7", longitude="-73.9")])
    samples = st.sampled_from(["true", "12601", "2026-01-01", "0"])
    value = st.one_of(odd_text(), st.integers().map(str), samples)
    parameters = st.dictionaries(st.sampled_from(QUERY_NAMES[name]), value, max_size=4)

    @settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(parameters=parameters)
    def property_holds(parameters):
        response = get(client, name, **parameters)
        assert response.status_code in {200, 400}, (parameters, response.content[:200])

    property_holds()
