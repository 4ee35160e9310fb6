"""The reads behind the HSDS 3.0 API: query parameters, filters, pages and the OpenAPI document.

Query parameters are cumulative (a boolean AND), as the API specification asks.
Lists are paginated with the specification's ``Page`` shape; ``per_page`` is at
most ``MAX_PER_PAGE``. Services are listed whatever their status, so that a
directory that reads this one learns when a service is withdrawn.
"""

import copy
import datetime
import functools
import json
import math
from pathlib import Path

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.utils.dateparse import parse_date

from carecoord.text import search_key

from ..geo import distance_km, postcode_point
from ..models import (
    Attribute,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .export import format_value
from .nesting import serialize
from .reading import parse_moment

HSDS_VERSION = "3.0"
PROFILE = "https://github.com/openreferral/specification/tree/3.0"
OPENAPI = Path(__file__).resolve().parent / "spec" / "schema" / "openapi.json"
SPEC_SCHEMAS = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 200


class BadQuery(ValueError):
    """A query parameter that cannot be used: the API answers 400 with this message."""


class NotFound(LookupError):
    """No record has the id asked for: the API answers 404."""


class Query:
    """The query string of a request, read as the API specification types its parameters."""

    def __init__(self, params):
        self.params = params

    def text(self, name):
        return (self.params.get(name) or "").strip()

    def boolean(self, name):
        value = self.text(name).casefold()
        if value in {"", "false", "0", "no"}:
            return False
        if value in {"true", "1", "yes"}:
            return True
        raise BadQuery(f"{name} must be true or false, not '{self.params.get(name)}'.")

    def whole(self, name, default, *, low=1, high=None):
        value = self.text(name)
        if not value:
            return default
        if not value.isdigit() or int(value) < low or (high is not None and int(value) > high):
            within = f"from {low} to {high}" if high else f"{low} or more"
            raise BadQuery(f"{name} must be a whole number {within}, not '{value}'.")
        return int(value)

    def moment(self, name):
        """A date and time (ISO 8601), or a date meaning its start in UTC; None when absent."""
        value = self.text(name)
        if not value:
            return None
        day = parse_date(value) if len(value) == 10 else None
        if day:
            return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
        try:
            return parse_moment(value)
        except ValueError:
            raise BadQuery(
                f"{name} must be a date and time such as 2026-09-01T00:00:00Z, not '{value}'."
            ) from None


def _words(queryset, text, *fields):
    for word in search_key(text).split():
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def _service_filters(query, prefix=""):
    """The /services filters, also used by /service_at_locations through their service."""
    conditions = []
    term = query.text("taxonomy_term_id")
    taxonomy = query.text("taxonomy_id")
    if term or taxonomy:
        attributes = Attribute.objects.filter(service=OuterRef(f"{prefix}pk"))
        if term:
            attributes = attributes.filter(taxonomy_term__hsds_id=term)
        if taxonomy:
            attributes = attributes.filter(taxonomy_term__taxonomy_detail__hsds_id=taxonomy)
        conditions.append(Exists(attributes))
    organization = query.text("organization_id")
    if organization:
        conditions.append(Q(**{f"{prefix}organization__hsds_id": organization}))
    modified_after = query.moment("modified_after")
    if modified_after:
        conditions.append(Q(**{f"{prefix}last_modified__gte": modified_after}))
    return conditions


def services(query):
    """/services: every service matching the query, whatever its status, in a stable order."""
    queryset = Service.objects.filter(*_service_filters(query))
    for word in search_key(query.text("search")).split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset.order_by("pk")


def minimal_services(queryset):
    """``minimal``: each service's id, name, status (which the schema requires) and last_modified."""
    rows = queryset.values("hsds_id", "name", "status", "last_modified")
    return [
        {
            "id": row["hsds_id"],
            "name": row["name"],
            "status": row["status"],
            **({"last_modified": format_value(row["last_modified"])} if row["last_modified"] else {}),
        }
        for row in rows
    ]


def organizations(query):
    return _words(Organization.objects.all(), query.text("search"), "name", "alternate_name").order_by("pk")


def taxonomies(query):
    return _words(Taxonomy.objects.all(), query.text("search"), "name").order_by("pk")


def taxonomy_terms(query):
    queryset = _words(TaxonomyTerm.objects.all(), query.text("search"), "name", "code")
    if query.text("taxonomy_id"):
        queryset = queryset.filter(taxonomy_detail__hsds_id=query.text("taxonomy_id"))
    if query.text("parent_id"):
        queryset = queryset.filter(parent__hsds_id=query.text("parent_id"))
    if query.boolean("top_only"):
        queryset = queryset.filter(parent=None)
    return queryset.order_by("pk")


def services_at_locations(query):
    """/service_at_locations, with ``postcode`` (served there) and ``proximity`` (metres from it)."""
    queryset = ServiceAtLocation.objects.filter(*_service_filters(query, "service__"))
    for word in search_key(query.text("search")).split():
        queryset = queryset.filter(service__search_text__contains=word)
    postcode = query.text("postcode")
    proximity = query.whole("proximity", None, low=0)
    if proximity is not None and not postcode:
        raise BadQuery("proximity needs a postcode to measure from.")
    if postcode:
        areas = ServiceArea.objects.filter(service=OuterRef("service"))
        queryset = queryset.filter(
            ~Exists(areas) | Exists(areas.filter(extent_type__iexact="text", extent__contains=postcode[:5]))
        )
    if proximity is not None:
        point = postcode_point(postcode)
        if point is None:
            raise BadQuery(f"postcode '{postcode}' is not a postcode this directory can locate.")
        queryset = queryset.annotate(
            distance=distance_km(point, latitude="location__latitude", longitude="location__longitude")
        ).filter(distance__lte=proximity / 1000)
        return queryset.order_by("distance", "pk")
    return queryset.order_by("pk")


def page(query, queryset, make):
    """The specification's Page: totals, flags and ``contents`` made by ``make(rows of this page)``."""
    number = query.whole("page", 1)
    size = query.whole("per_page", DEFAULT_PER_PAGE, high=MAX_PER_PAGE)
    if query.text("format") not in {"", "json"}:
        raise BadQuery("format must be json: this API does not stream ndjson.")
    paginator = Paginator(queryset, size)
    total = paginator.count
    pages = math.ceil(total / size)
    contents = make(paginator.page(number).object_list) if number <= pages else []
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": total == 0,
        "contents": contents,
    }


def one(resource, hsds_id, shape):
    """One record by its HSDS id, fully nested as ``shape`` says."""
    from .schema import TABLES_BY_RESOURCE

    table = TABLES_BY_RESOURCE[resource]
    found = serialize(resource, table.model.objects.filter(**{table.id_field: hsds_id}), shape)
    if not found:
        raise NotFound(f"No {resource.replace('_', ' ')} has id '{hsds_id}'.")
    return found[0]


@functools.cache
def _specification_openapi():
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


def openapi_document(*, server, token):
    """The specification's OpenAPI document with this API's title, address and authentication.

    One correction: the specification answers ``/service_at_locations/{id}`` with the
    service schema; this API answers with the service-at-location schema, as the
    specification's own example of that endpoint does.
    """
    document = copy.deepcopy(_specification_openapi())
    document["info"] = {
        "title": "carecoord service directory: HSDS 3.0 API",
        "version": HSDS_VERSION,
        "summary": "The community service directory, read-only, as Open Referral HSDS 3.0.",
        "description": (
            "Organizations, services, locations and everything the Human Services Data Specification "
            "3.0 holds about them. Human Services Data Specification: an Open Referral resource "
            "(https://openreferral.org/)."
        ),
        "license": {"name": "CC BY-SA 4.0", "url": "https://creativecommons.org/licenses/by-sa/4.0/"},
    }
    document["servers"] = [{"url": server}]
    detail = document["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]
    detail["content"]["application/json"]["schema"] = {
        "$ref": f"{SPEC_SCHEMAS}compiled/service_at_location.json"
    }
    if token:
        document.setdefault("components", {})["securitySchemes"] = {
            "token": {"type": "http", "scheme": "bearer"}
        }
        document["security"] = [{"token": []}]
    return document
