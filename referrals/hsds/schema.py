"""The HSDS 3.0 tables the directory reads and writes, and the datapackage.json the export writes.

Each ``Table`` lists its columns in the specification's order and carries its own
rules as hooks, so the reader, the writer and the exporter treat every table the
same way and never ask which table they hold.
"""

import dataclasses
from collections.abc import Callable
from decimal import Decimal

from ..models import (
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from ..models.directory import DAYS
from .addresses import address_export_source, write_addresses
from .categories import term_category

DATAPACKAGE = "datapackage.json"
TEXT_KINDS = {"string", "enum", "days"}
KEEP = object()


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    kind: str = "string"  # string, number, integer, date, time, datetime, enum, days
    required: bool = False
    field: str | None = None  # the model field it is kept in; None: read by HSDS tools, not kept here
    ref: str | None = None  # resource a reference column points at
    choices: tuple = ()
    bounds: tuple | None = None
    hook_input: bool = False  # parsed though not kept, because a table hook reads it
    # False for a column HSDS 3.0 does not define: it is read when a package has it
    # (a package without it leaves the kept value as it is) and never exported.
    in_specification: bool = True
    # A phone number: its leading + is normal, so the import does not warn about it as a formula.
    phone: bool = False

    @property
    def hsds_type(self):
        if self.kind == "integer":
            return "number"
        return self.kind if self.kind in {"number", "date", "time", "datetime"} else "string"


def kept(name, kind="string", *, field=KEEP, **options):
    return Column(name, kind, field=name if field is KEEP else field, **options)


def unused(name, kind="string", **options):
    return Column(name, kind, field=None, **options)


def reference(name, resource, *, field, required=False):
    return Column(name, "string", required=required, field=field, ref=resource)


IDENTIFIER = kept("id", required=True, field="hsds_id")
AGE = (Decimal(0), Decimal(150))


@dataclasses.dataclass(frozen=True, eq=False)
class Table:
    resource: str
    path: str
    model: type  # the model the table's columns are kept in
    columns: tuple
    description: str
    # Hooks, each optional. On reading, per row: prepare_row(values) normalises
    # values in place; check_row(values) returns (column, message) problems across
    # columns; skip_row(values) returns why a valid row is not imported.
    prepare_row: Callable | None = None
    check_row: Callable | None = None
    skip_row: Callable | None = None
    # On writing: derived_values() is called once per import and returns a function
    # of a row's values giving model field values no column holds; write(writer,
    # table, rows) replaces the writer's create-or-update by id.
    derived_values: Callable | None = None
    write: Callable | None = None
    # On export: export_source(table) returns (queryset, {column: lookup}) in place
    # of the model's rows; export_defaults fills columns the directory does not keep.
    export_source: Callable | None = None
    export_defaults: dict = dataclasses.field(default_factory=dict)

    def column(self, name):
        return next(column for column in self.columns if column.name == name)

    @property
    def id_field(self):
        return self.column("id").field

    @property
    def kept_columns(self):
        return [column for column in self.columns if column.field]

    @property
    def specified_columns(self):
        """The columns HSDS 3.0 defines: the ones exported and described in datapackage.json."""
        return [column for column in self.columns if column.in_specification]


# Rules of single tables: the hooks above.


def ages_in_order(values):
    low, high = values["minimum_age"], values["maximum_age"]
    if low is not None and high is not None and low > high:
        return [("maximum_age", "is below minimum_age.")]
    return []


def validity_in_order(values):
    start, end = values["valid_from"], values["valid_to"]
    if start and end and start > end:
        return [("valid_to", "is before valid_from.")]
    return []


def language_code_lower_case(values):
    values["code"] = values["code"].casefold()


def attribute_of_another_entity(values):
    entity = values["link_entity"]
    if entity.casefold() != "service":
        return f"attributes of a '{entity}' are not imported"
    return None


# The tables: HSDS 3.0 columns in the specification's order.

TAXONOMY_TERMS = Table(
    "taxonomy_term",
    "taxonomy_terms.csv",
    TaxonomyTerm,
    (
        IDENTIFIER,
        kept("code"),
        kept("name", required=True),
        kept("description", required=True),
        reference("parent_id", "taxonomy_term", field="parent"),
        kept("taxonomy"),
        kept("language"),
        unused("taxonomy_id"),
        kept("term_uri"),
    ),
    "Terms that classify services: their categories and the insurance they accept.",
    derived_values=term_category,
)
ORGANIZATIONS = Table(
    "organization",
    "organizations.csv",
    Organization,
    (
        IDENTIFIER,
        kept("name", required=True),
        kept("alternate_name"),
        kept("description", required=True),
        kept("email"),
        kept("website"),
        unused("tax_status"),
        unused("tax_id"),
        unused("year_incorporated", "number"),
        unused("legal_status"),
        unused("logo"),
        unused("uri"),
        reference("parent_organization_id", "organization", field="parent"),
    ),
    "Organizations that deliver services.",
)
LOCATIONS = Table(
    "location",
    "locations.csv",
    Location,
    (
        IDENTIFIER,
        kept("location_type", "enum", required=True, choices=tuple(Location.Type.values)),
        kept("url"),
        reference("organization_id", "organization", field="organization"),
        kept("name"),
        kept("alternate_name"),
        kept("description"),
        kept("transportation"),
        kept("latitude", "number", bounds=(Decimal(-90), Decimal(90))),
        kept("longitude", "number", bounds=(Decimal(-180), Decimal(180))),
        unused("external_identifier"),
        unused("external_identifier_type"),
    ),
    "Places where services are delivered.",
)
ADDRESSES = Table(
    "address",
    "addresses.csv",
    Location,  # each location keeps one address
    (
        kept("id", required=True, field="address_hsds_id"),
        reference("location_id", "location", field="location"),
        unused("attention"),
        kept("address_1", required=True),
        kept("address_2"),
        kept("city", required=True),
        kept("region"),
        kept("state_province", required=True),
        kept("postal_code", required=True),
        kept("country", required=True),
        kept("address_type", "enum", required=True, choices=tuple(Location.Type.values)),
    ),
    "Addresses of locations.",
    write=write_addresses,
    export_source=address_export_source,
)
SERVICES = Table(
    "service",
    "services.csv",
    Service,
    (
        IDENTIFIER,
        reference("organization_id", "organization", field="organization", required=True),
        unused("program_id"),
        kept("name", required=True),
        kept("alternate_name"),
        kept("description"),
        kept("url"),
        kept("email"),
        kept("status", "enum", required=True, choices=tuple(Service.Status.values)),
        kept("interpretation_services"),
        kept("application_process"),
        kept("fees_description"),
        unused("wait_time"),
        unused("fees"),
        unused("accreditations"),
        kept("eligibility_description"),
        kept("minimum_age", "number", bounds=AGE),
        kept("maximum_age", "number", bounds=AGE),
        kept("assured_date", "date"),
        unused("assurer_email"),
        unused("licenses"),
        kept("alert"),
        unused("last_modified", "datetime"),
    ),
    "Services organizations provide, with eligibility, ages and fees.",
    check_row=ages_in_order,
)
SERVICE_AT_LOCATION = Table(
    "service_at_location",
    "service_at_location.csv",
    ServiceAtLocation,
    (
        IDENTIFIER,
        reference("service_id", "service", field="service", required=True),
        reference("location_id", "location", field="location", required=True),
        kept("description"),
    ),
    "Which service is delivered at which location.",
)
PHONES = Table(
    "phone",
    "phones.csv",
    Phone,
    (
        IDENTIFIER,
        reference("location_id", "location", field="location"),
        reference("service_id", "service", field="service"),
        reference("organization_id", "organization", field="organization"),
        unused("contact_id"),
        reference("service_at_location_id", "service_at_location", field="service_at_location"),
        kept("number", required=True, phone=True),
        kept("extension", "integer"),
        kept("type"),
        kept("description"),
    ),
    "Phone numbers of organizations, services and locations.",
)
LANGUAGES = Table(
    "language",
    "languages.csv",
    Language,
    (
        IDENTIFIER,
        reference("service_id", "service", field="service"),
        reference("location_id", "location", field="location"),
        reference("phone_id", "phone", field="phone"),
        kept("name"),
        kept("code"),
        kept("note"),
    ),
    "Languages services, locations and phone lines are delivered in.",
    prepare_row=language_code_lower_case,
)
SCHEDULES = Table(
    "schedule",
    "schedules.csv",
    Schedule,
    (
        IDENTIFIER,
        reference("service_id", "service", field="service"),
        reference("location_id", "location", field="location"),
        reference("service_at_location_id", "service_at_location", field="service_at_location"),
        kept("valid_from", "date"),
        kept("valid_to", "date"),
        kept("dtstart", "date"),
        unused("timezone", "number"),
        kept("until", "date"),
        unused("count", "number"),
        unused("wkst", "enum", choices=DAYS),
        kept("freq", "enum", choices=tuple(Schedule.Frequency.values)),
        kept("interval", "integer", bounds=(1, 1000)),
        kept("byday", "days"),
        unused("byweekno"),
        kept("bymonthday"),
        unused("byyearday"),
        kept("description"),
        kept("opens_at", "time"),
        kept("closes_at", "time"),
        unused("schedule_link"),
        kept("attending_type"),
        kept("notes"),
    ),
    "When services and locations are open.",
    check_row=validity_in_order,
)
ATTRIBUTES = Table(
    "attribute",
    "attributes.csv",
    Attribute,
    (
        IDENTIFIER,
        reference("link_id", "service", field="service", required=True),
        reference("taxonomy_term_id", "taxonomy_term", field="taxonomy_term", required=True),
        kept("link_type"),
        Column("link_entity", required=True, hook_input=True),
        kept("value"),
        kept("label", in_specification=False),  # added by HSDS 3.1
    ),
    "Taxonomy terms attached to services.",
    skip_row=attribute_of_another_entity,
    export_defaults={"link_entity": "service"},
)

# In the order they are written: every table after the tables it refers to.
TABLES = (
    TAXONOMY_TERMS,
    ORGANIZATIONS,
    LOCATIONS,
    ADDRESSES,
    SERVICES,
    SERVICE_AT_LOCATION,
    PHONES,
    LANGUAGES,
    SCHEDULES,
    ATTRIBUTES,
)
TABLES_BY_RESOURCE = {table.resource: table for table in TABLES}


def datapackage_descriptor():
    """The datapackage.json describing the files ``directory_export`` writes."""
    resources = []
    for table in TABLES:
        fields = []
        for column in table.specified_columns:
            described = {
                "name": column.name,
                "type": column.hsds_type,
                "constraints": {"required": column.required},
            }
            if column.name == "id":
                described["constraints"]["unique"] = True
            if column.choices:
                described["constraints"]["enum"] = list(column.choices)
            fields.append(described)
        foreign_keys = [
            {"fields": column.name, "reference": {"resource": column.ref, "fields": "id"}}
            for column in table.specified_columns
            if column.ref
        ]
        schema = {"primaryKey": "id", "fields": fields}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": table.resource,
                "path": table.path,
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": schema,
            }
        )
    return {
        "name": "carecoord-service-directory",
        "title": "Service directory",
        "description": "A community service directory in Open Referral HSDS 3.0 tabular form.",
        "profile": "tabular-data-package",
        "version": "3.0",
        "resources": resources,
    }
