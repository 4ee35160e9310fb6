"""The HSDS 3.0 API, read-only: the Open Referral API specification's endpoints under /hsds/.

Each view parses its query, filters with ``referrals.hsds.api`` and answers with the
specification's JSON (``referrals.hsds.nesting``). Who may read it is a setting
(``CARECOORD_HSDS_API``: public, token or off); a bad query answers 400 with what
was wrong, an unknown id 404.
"""

import functools
import hmac

from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .hsds import api
from .hsds.nesting import (
    ORGANIZATION_FULL,
    SERVICE_AT_LOCATION_FULL,
    SERVICE_AT_LOCATION_LIST,
    SERVICE_FULL,
    SERVICE_LIST,
    serialize,
)


def _token_accepted(request):
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.casefold() != "bearer" or not token.strip():
        return False
    given = token.strip().encode()
    return any(hmac.compare_digest(given, known.encode()) for known in settings.CARECOORD_HSDS_API_TOKENS)


def hsds_endpoint(view):
    """GET only, JSON errors, and the access the setting gives: public, with a token, or none (404)."""

    @require_GET
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.CARECOORD_HSDS_API == "off":
            raise Http404
        if settings.CARECOORD_HSDS_API == "token" and not _token_accepted(request):
            response = JsonResponse(
                {"error": "A valid API token is required (Authorization: Bearer …)."}, status=401
            )
            response["WWW-Authenticate"] = 'Bearer realm="hsds"'
            return response
        try:
            return JsonResponse(view(request, *args, **kwargs), json_dumps_params={"ensure_ascii": False})
        except api.BadQuery as error:
            return JsonResponse({"error": str(error)}, status=400)
        except api.NotFound as error:
            return JsonResponse({"error": str(error)}, status=404)

    return wrapped


@hsds_endpoint
def root(request):
    """The API's HSDS version, profile and OpenAPI document."""
    return {
        "version": api.HSDS_VERSION,
        "profile": api.PROFILE,
        "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
    }


@hsds_endpoint
def openapi(request):
    """The specification's OpenAPI document, describing this API."""
    return api.openapi_document(
        server=request.build_absolute_uri(reverse("hsds:root")).rstrip("/"),
        token=settings.CARECOORD_HSDS_API == "token",
    )


@hsds_endpoint
def service_list(request):
    query = api.Query(request.GET)
    services = api.services(query)
    if query.boolean("minimal"):
        return api.page(query, services, lambda rows: api.minimal_services(rows))
    shape, nested = (SERVICE_FULL, True) if query.boolean("full") else (SERVICE_LIST, False)
    return api.page(query, services, lambda rows: serialize("service", rows, shape, nested_records=nested))


@hsds_endpoint
def service_detail(request, id):
    return api.one("service", id, SERVICE_FULL)


@hsds_endpoint
def organization_list(request):
    query = api.Query(request.GET)
    organizations = api.organizations(query)
    shape, nested = ({}, False)
    if query.boolean("full"):
        shape, nested = dict(ORGANIZATION_FULL), True
    if query.boolean("full_service"):
        shape, nested = {**shape, "services": SERVICE_FULL}, True
    return api.page(
        query, organizations, lambda rows: serialize("organization", rows, shape, nested_records=nested)
    )


@hsds_endpoint
def organization_detail(request, id):
    query = api.Query(request.GET)
    services = SERVICE_FULL if query.boolean("full_service") else SERVICE_LIST
    return api.one("organization", id, {**ORGANIZATION_FULL, "services": services})


@hsds_endpoint
def taxonomy_list(request):
    query = api.Query(request.GET)
    return api.page(query, api.taxonomies(query), lambda rows: serialize("taxonomy", rows, {}))


@hsds_endpoint
def taxonomy_detail(request, id):
    return api.one("taxonomy", id, {})


@hsds_endpoint
def taxonomy_term_list(request):
    query = api.Query(request.GET)
    shape = {"taxonomy_detail": {}}
    return api.page(query, api.taxonomy_terms(query), lambda rows: serialize("taxonomy_term", rows, shape))


@hsds_endpoint
def taxonomy_term_detail(request, id):
    return api.one("taxonomy_term", id, {"taxonomy_detail": {}})


@hsds_endpoint
def service_at_location_list(request):
    query = api.Query(request.GET)
    links = api.services_at_locations(query)
    shape, nested = (
        (SERVICE_AT_LOCATION_FULL, True) if query.boolean("full") else (SERVICE_AT_LOCATION_LIST, False)
    )
    return api.page(
        query, links, lambda rows: serialize("service_at_location", rows, shape, nested_records=nested)
    )


@hsds_endpoint
def service_at_location_detail(request, id):
    return api.one("service_at_location", id, SERVICE_AT_LOCATION_FULL)
