"""HSDS 3.0 objects as JSON: which records nest in which, both ways.

``CHILDREN`` and ``PARENTS`` say, once, how the specification's JSON nests one
table's records in another's (a service's ``phones``, a service at location's
``location``...) and which column links them. ``serialize`` builds the nested
objects the HSDS API serves, loading each level of the tree in one query, so a
page of 25 services costs the same number of queries as a page of 5; the
consumer (``remote.py``) reads the same tables to take nested objects apart
into rows again. Every record can carry ``attributes`` (taxonomy terms attached
to it) and ``metadata`` (its recorded changes), found by its HSDS id.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from .export import format_value, model_lookups
from .schema import TABLES_BY_RESOURCE

# resource -> {JSON key: (child resource, the child's column naming the parent)}
CHILDREN = {
    "service": {
        "phones": ("phone", "service_id"),
        "schedules": ("schedule", "service_id"),
        "service_areas": ("service_area", "service_id"),
        "service_at_locations": ("service_at_location", "service_id"),
        "languages": ("language", "service_id"),
        "funding": ("funding", "service_id"),
        "cost_options": ("cost_option", "service_id"),
        "required_documents": ("required_document", "service_id"),
        "contacts": ("contact", "service_id"),
    },
    "service_at_location": {
        "contacts": ("contact", "service_at_location_id"),
        "phones": ("phone", "service_at_location_id"),
        "schedules": ("schedule", "service_at_location_id"),
    },
    "location": {
        "languages": ("language", "location_id"),
        "addresses": ("address", "location_id"),
        "contacts": ("contact", "location_id"),
        "accessibility": ("accessibility", "location_id"),
        "phones": ("phone", "location_id"),
        "schedules": ("schedule", "location_id"),
    },
    "organization": {
        "funding": ("funding", "organization_id"),
        "contacts": ("contact", "organization_id"),
        "phones": ("phone", "organization_id"),
        "locations": ("location", "organization_id"),
        "programs": ("program", "organization_id"),
        "organization_identifiers": ("organization_identifier", "organization_id"),
        "services": ("service", "organization_id"),
    },
    "phone": {"languages": ("language", "phone_id")},
    "contact": {"phones": ("phone", "contact_id")},
}
# resource -> {JSON key: (parent resource, this record's column naming it)}
PARENTS = {
    "service": {"organization": ("organization", "organization_id"), "program": ("program", "program_id")},
    "service_at_location": {
        "location": ("location", "location_id"),
        "service": ("service", "service_id"),
    },
    "attribute": {"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", "taxonomy_id")},
}
# Records that carry no attributes of their own in the specification's JSON.
WITHOUT_ATTRIBUTES = {"attribute", "metadata", "taxonomy", "taxonomy_term"}

PHONE = {"languages": {}}
CONTACT = {"phones": PHONE}
LOCATION = {
    "languages": {},
    "addresses": {},
    "contacts": CONTACT,
    "accessibility": {},
    "phones": PHONE,
    "schedules": {},
}
SERVICE_AT_LOCATION = {"contacts": CONTACT, "phones": PHONE, "schedules": {}, "location": LOCATION}
ORGANIZATION_BRIEF = {"organization_identifiers": {}, "funding": {}, "phones": PHONE, "contacts": CONTACT}
# The shapes the API serves, by the specification's schemas (see the endpoints in views).
SERVICE_FULL = {
    "organization": ORGANIZATION_BRIEF,
    "program": {},
    "phones": PHONE,
    "schedules": {},
    "service_areas": {},
    "service_at_locations": SERVICE_AT_LOCATION,
    "languages": {},
    "funding": {},
    "cost_options": {},
    "required_documents": {},
    "contacts": CONTACT,
}
SERVICE_LIST = {"organization": {}, "program": {}}
ORGANIZATION_FULL = {
    "funding": {},
    "contacts": CONTACT,
    "phones": PHONE,
    "locations": LOCATION,
    "programs": {},
    "organization_identifiers": {},
}
SERVICE_AT_LOCATION_FULL = {**SERVICE_AT_LOCATION, "service": SERVICE_FULL}
SERVICE_AT_LOCATION_LIST = {"location": {}, "service": SERVICE_LIST}


def json_value(value):
    """A kept value as the specification's JSON types it, or None for an empty one."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date | datetime.time):
        return format_value(value)
    return value


class _Loader:
    """Builds the objects of a tree level by level; attributes and metadata last, by HSDS id."""

    def __init__(self, *, with_attributes=True):
        self.with_attributes = with_attributes
        self.made = defaultdict(list)  # resource -> objects made, for their attributes and metadata

    def rows(self, resource, *conditions, **filters):
        """Rows of a table as dicts of HSDS values, with their primary key and raw foreign keys."""
        table = TABLES_BY_RESOURCE[resource]
        lookups = {
            name: lookup
            for name, lookup in model_lookups(table).items()
            if table.column(name).in_specification
        }
        raw_keys = {f"_{column.name}": f"{column.field}_id" for column in table.columns if column.ref}
        queryset = table.model.objects.filter(*conditions, **filters).order_by("pk")
        for record in queryset.values("pk", *lookups.values(), *raw_keys.values()):
            obj = {name: json_value(record[lookup]) for name, lookup in lookups.items()}
            obj = {name: value for name, value in obj.items() if value is not None}
            obj["_pk"] = record["pk"]
            obj.update({key: record[lookup] for key, lookup in raw_keys.items()})
            yield obj

    def build(self, resource, objects, shape):
        """Nest into ``objects`` (of ``resource``) what ``shape`` asks for; returns them."""
        self.made[resource].extend(objects)
        pks = [obj["_pk"] for obj in objects]
        for key, inner in shape.items():
            if key in CHILDREN.get(resource, {}):
                child, link = CHILDREN[resource][key]
                field = TABLES_BY_RESOURCE[child].column(link).field
                by_parent = defaultdict(list)
                children = list(self.rows(child, **{f"{field}__in": pks})) if pks else []
                for obj in self.build(child, children, inner):
                    by_parent[obj[f"_{link}"]].append(obj)
                for obj in objects:
                    obj[key] = by_parent.get(obj["_pk"], [])
            else:
                parent, link = PARENTS[resource][key]
                wanted = {obj[f"_{link}"] for obj in objects if obj.get(f"_{link}")}
                parents = list(self.rows(parent, pk__in=wanted)) if wanted else []
                by_pk = {obj["_pk"]: obj for obj in self.build(parent, parents, inner)}
                for obj in objects:
                    if obj.get(f"_{link}") in by_pk:
                        obj[key] = by_pk[obj[f"_{link}"]]  # shared: finish() completes it in place
        return objects

    def _by_record(self, resource, kind_field, id_field, made):
        """Rows of ``resource`` (attributes, metadata) about the records made: one query for all kinds."""
        wanted = Q()
        for kind, objects in made:
            wanted |= Q(**{kind_field: kind, f"{id_field}__in": {obj["id"] for obj in objects}})
        rows = list(self.rows(resource, wanted)) if made else []
        found = defaultdict(list)
        for row in rows:
            found[(row[kind_field], row[id_field])].append(row)
        return rows, found

    def finish(self):
        """Every object made gets its attributes (with their terms) and its metadata."""
        if self.with_attributes:
            made = [
                (kind, objects)
                for kind, objects in self.made.items()
                if kind not in WITHOUT_ATTRIBUTES and objects
            ]
            rows, attributes = self._by_record("attribute", "link_entity", "link_id", made)
            self.build("attribute", rows, {"taxonomy_term": {"taxonomy_detail": {}}})
            for kind, objects in made:
                for obj in objects:
                    obj["attributes"] = attributes.get((kind, obj["id"]), [])
        made = [(kind, objects) for kind, objects in self.made.items() if kind != "metadata" and objects]
        _rows, described = self._by_record("metadata", "resource_type", "resource_id", made)
        for kind, objects in made:
            for obj in objects:
                obj["metadata"] = described.get((kind, obj["id"]), [])


def _clean(value):
    """Drop the loader's private keys (primary and foreign keys) from a finished tree."""
    if isinstance(value, dict):
        return {key: _clean(inner) for key, inner in value.items() if not key.startswith("_")}
    if isinstance(value, list):
        return [_clean(inner) for inner in value]
    return value


def serialize(resource, queryset, shape, *, nested_records=True):
    """The records of ``queryset`` as HSDS JSON objects, nested as ``shape`` says.

    ``nested_records=False`` leaves out attributes and metadata (the lists' brief items).
    """
    loader = _Loader(with_attributes=nested_records)
    pks = list(queryset.values_list("pk", flat=True))
    objects = {obj["_pk"]: obj for obj in loader.rows(resource, pk__in=pks)} if pks else {}
    ordered = [objects[pk] for pk in pks if pk in objects]
    loader.build(resource, ordered, shape)
    if nested_records:
        loader.finish()
    return [_clean(obj) for obj in ordered]
