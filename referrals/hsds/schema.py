"""Every table of HSDS 3.0, its columns, and the datapackage.json the export writes.

Each ``Table`` lists its columns in the specification's order and carries its own
rules as hooks, so the reader, the writer, the exporter and the HSDS API treat
every table the same way and never ask which table they hold. Every column of
the specification is kept, so an import followed by an export gives the same
package back.
"""

import dataclasses
from collections.abc import Callable
from decimal import Decimal

from ..models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Metadata,
    MetaTableDescription,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from ..models.directory import DAYS
from .categories import term_category

DATAPACKAGE = "datapackage.json"
TEXT_KINDS = {"string", "enum", "days"}
KEEP = object()


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    kind: str = "string"  # string, number, integer, date, time, datetime, enum, days
    required: bool = False
    field: str | None = None  # the model field it is kept in; None: read for a hook, not kept
    ref: str | None = None  # resource a reference column points at
    # A reference whose resource another column names (an attribute's link_id, by link_entity).
    ref_by: str | None = None
    choices: tuple = ()
    bounds: tuple | None = None
    places: int | None = None  # decimal places a number is kept with (rounded on import)
    format: str | None = None  # "uuid", "email" or "uri", as the specification declares them
    # False for a column HSDS 3.0 does not define: it is read when a package has it
    # (a package without it leaves the kept value as it is) and never exported.
    in_specification: bool = True
    # An empty cell leaves the kept value as it is (a service's last_modified, which the import stamps).
    keep_when_empty: bool = False
    # A phone number: its leading + is normal, so the import does not warn about it as a formula.
    phone: bool = False

    @property
    def hsds_type(self):
        if self.kind == "integer":
            return "number"
        return self.kind if self.kind in {"number", "date", "time", "datetime"} else "string"

    @property
    def is_reference(self):
        return bool(self.ref or self.ref_by)


def kept(name, kind="string", *, field=KEEP, **options):
    return Column(name, kind, field=name if field is KEEP else field, **options)


def reference(name, resource, *, field, required=False):
    return Column(name, "string", required=required, field=field, ref=resource, format="uuid")


def email(name):
    return kept(name, format="email")


def uri(name, *, field=KEEP):
    return kept(name, field=field, format="uri")


IDENTIFIER = kept("id", required=True, field="hsds_id", format="uuid")
AGE = (Decimal(0), Decimal(150))


@dataclasses.dataclass(frozen=True, eq=False)
class Table:
    resource: str
    path: str
    model: type  # the model the table's columns are kept in
    columns: tuple
    description: str
    # Hooks, each optional. On reading, per row: prepare_row(values) normalises
    # values in place; check_row(values) returns (columns, message) for values that
    # contradict each other, which are then imported as empty with a warning.
    prepare_row: Callable | None = None
    check_row: Callable | None = None
    # On writing: derived_values(writer) is called once per import and returns a
    # function of a row's values giving model field values no column holds.
    derived_values: Callable | None = None

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
    low, high = values.get("minimum_age"), values.get("maximum_age")
    if low is not None and high is not None and low > high:
        shown = [format(age.normalize(), "f") for age in (high, low)]
        return [(("minimum_age", "maximum_age"), f"maximum_age {shown[0]} is below minimum_age {shown[1]}")]
    return []


def validity_in_order(values):
    start, end = values.get("valid_from"), values.get("valid_to")
    if start and end and start > end:
        return [(("valid_from", "valid_to"), f"valid_to {end} is before valid_from {start}")]
    return []


def language_code_lower_case(values):
    values["code"] = values.get("code", "").casefold()


def attribute_service(writer):
    """An attribute's service, when it is attached to one (derived from link_id)."""
    services = writer.pk_map("service")

    def derive(values):
        if values["link_entity"] == "service":
            return {"service_id": services.get(values["link_id"])}
        return {"service_id": None}

    return derive


def attribute_entity_lower_case(values):
    values["link_entity"] = values.get("link_entity", "").strip().casefold()


# The tables: HSDS 3.0 columns in the specification's order.

TAXONOMIES = Table(
    "taxonomy",
    "taxonomies.csv",
    Taxonomy,
    (
        IDENTIFIER,
        kept("name", required=True),
        kept("description", required=True),
        uri("uri"),
        kept("version"),
    ),
    "The taxonomies the directory's terms come from.",
)
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
        reference("taxonomy_id", "taxonomy", field="taxonomy_detail"),
        uri("term_uri"),
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
        email("email"),
        uri("website"),
        kept("tax_status"),
        kept("tax_id"),
        kept("year_incorporated", "integer", bounds=(1, 9999)),
        kept("legal_status"),
        kept("logo"),
        uri("uri"),
        reference("parent_organization_id", "organization", field="parent"),
    ),
    "Organizations that deliver services.",
)
ORGANIZATION_IDENTIFIERS = Table(
    "organization_identifier",
    "organization_identifiers.csv",
    OrganizationIdentifier,
    (
        IDENTIFIER,
        reference("organization_id", "organization", field="organization", required=True),
        kept("identifier_scheme"),
        kept("identifier_type", required=True),
        kept("identifier", required=True),
    ),
    "Third-party identifiers of organizations: registration, charity and tax numbers.",
)
PROGRAMS = Table(
    "program",
    "programs.csv",
    Program,
    (
        IDENTIFIER,
        reference("organization_id", "organization", field="organization", required=True),
        kept("name", required=True),
        kept("alternate_name"),
        kept("description", required=True),
    ),
    "Collections of related services of one organization.",
)
LOCATIONS = Table(
    "location",
    "locations.csv",
    Location,
    (
        IDENTIFIER,
        kept("location_type", "enum", required=True, choices=tuple(Location.Type.values)),
        uri("url"),
        reference("organization_id", "organization", field="organization"),
        kept("name"),
        kept("alternate_name"),
        kept("description"),
        kept("transportation"),
        kept("latitude", "number", bounds=(Decimal(-90), Decimal(90)), places=6),
        kept("longitude", "number", bounds=(Decimal(-180), Decimal(180)), places=6),
        kept("external_identifier"),
        kept("external_identifier_type"),
    ),
    "Places where services are delivered.",
)
ADDRESSES = Table(
    "address",
    "addresses.csv",
    Address,
    (
        IDENTIFIER,
        reference("location_id", "location", field="location"),
        kept("attention"),
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
)
ACCESSIBILITY = Table(
    "accessibility",
    "accessibility.csv",
    Accessibility,
    (
        IDENTIFIER,
        reference("location_id", "location", field="location"),
        kept("description"),
        kept("details"),
        uri("url"),
    ),
    "How locations are accessible to people with disabilities.",
)
SERVICES = Table(
    "service",
    "services.csv",
    Service,
    (
        IDENTIFIER,
        reference("organization_id", "organization", field="organization", required=True),
        reference("program_id", "program", field="program"),
        kept("name", required=True),
        kept("alternate_name"),
        kept("description"),
        uri("url"),
        email("email"),
        kept("status", "enum", required=True, choices=tuple(Service.Status.values)),
        kept("interpretation_services"),
        kept("application_process"),
        kept("fees_description"),
        kept("wait_time"),
        kept("fees"),
        kept("accreditations"),
        kept("eligibility_description"),
        kept("minimum_age", "number", bounds=AGE, places=2),
        kept("maximum_age", "number", bounds=AGE, places=2),
        kept("assured_date", "date"),
        email("assurer_email"),
        kept("licenses"),
        kept("alert"),
        kept("last_modified", "datetime", keep_when_empty=True),
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
CONTACTS = Table(
    "contact",
    "contacts.csv",
    Contact,
    (
        IDENTIFIER,
        reference("organization_id", "organization", field="organization"),
        reference("service_id", "service", field="service"),
        reference("service_at_location_id", "service_at_location", field="service_at_location"),
        reference("location_id", "location", field="location"),
        kept("name"),
        kept("title"),
        kept("department"),
        email("email"),
    ),
    "Named people to contact at organizations, services and locations.",
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
        reference("contact_id", "contact", field="contact"),
        reference("service_at_location_id", "service_at_location", field="service_at_location"),
        kept("number", required=True, phone=True),
        kept("extension", "integer"),
        kept("type"),
        kept("description"),
    ),
    "Phone numbers of organizations, services, locations and contacts.",
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
        kept("timezone", "number", bounds=(Decimal(-14), Decimal(14)), places=2),
        kept("until", "date"),
        kept("count", "integer"),
        kept("wkst", "enum", choices=DAYS),
        kept("freq", "enum", choices=tuple(Schedule.Frequency.values)),
        kept("interval", "integer", bounds=(1, 1000)),
        kept("byday", "days"),
        kept("byweekno"),
        kept("bymonthday"),
        kept("byyearday"),
        kept("description"),
        kept("opens_at", "time"),
        kept("closes_at", "time"),
        uri("schedule_link"),
        kept("attending_type"),
        kept("notes"),
    ),
    "When services and locations are open.",
    check_row=validity_in_order,
)
FUNDING = Table(
    "funding",
    "funding.csv",
    Funding,
    (
        IDENTIFIER,
        reference("organization_id", "organization", field="organization"),
        reference("service_id", "service", field="service"),
        kept("source"),
    ),
    "Where organizations' and services' money comes from.",
)
SERVICE_AREAS = Table(
    "service_area",
    "service_areas.csv",
    ServiceArea,
    (
        IDENTIFIER,
        reference("service_id", "service", field="service"),
        kept("name"),
        kept("description"),
        kept("extent"),
        kept("extent_type"),
        kept("uri"),
    ),
    "Where services are available: towns, counties, postcodes or drawn areas.",
)
REQUIRED_DOCUMENTS = Table(
    "required_document",
    "required_documents.csv",
    RequiredDocument,
    (
        IDENTIFIER,
        reference("service_id", "service", field="service"),
        kept("document"),
        uri("uri"),
    ),
    "Documents a family brings or sends to apply for or receive a service.",
)
COST_OPTIONS = Table(
    "cost_option",
    "cost_options.csv",
    CostOption,
    (
        IDENTIFIER,
        reference("service_id", "service", field="service", required=True),
        kept("valid_from", "date"),
        kept("valid_to", "date"),
        kept("option"),
        kept("currency"),
        kept("amount", "number", places=4),
        kept("amount_description"),
    ),
    "What services cost, for whom and when.",
    check_row=validity_in_order,
)
ATTRIBUTES = Table(
    "attribute",
    "attributes.csv",
    Attribute,
    (
        IDENTIFIER,
        Column("link_id", required=True, field="link_id", ref_by="link_entity", format="uuid"),
        reference("taxonomy_term_id", "taxonomy_term", field="taxonomy_term", required=True),
        kept("link_type"),
        kept("link_entity", required=True),
        kept("value"),
        kept("label", in_specification=False),  # added by HSDS 3.1
    ),
    "Taxonomy terms attached to any record: a service's categories and the insurance it accepts.",
    prepare_row=attribute_entity_lower_case,
    derived_values=attribute_service,
)
METADATA = Table(
    "metadata",
    "metadata.csv",
    Metadata,
    (
        IDENTIFIER,
        kept("resource_id", required=True, format="uuid"),
        kept("resource_type", required=True),
        kept("last_action_date", "date", required=True),
        kept("last_action_type", required=True),
        kept("field_name", required=True),
        kept("previous_value", required=True),
        kept("replacement_value", required=True),
        kept("updated_by", required=True),
    ),
    "Changes made to the directory's records, kept for provenance.",
)
META_TABLE_DESCRIPTIONS = Table(
    "meta_table_description",
    "meta_table_descriptions.csv",
    MetaTableDescription,
    (
        IDENTIFIER,
        kept("name"),
        kept("language"),
        kept("character_set"),
    ),
    "Descriptions of the package's tables.",
)

# In the order they are written: every table after the tables it refers to.
TABLES = (
    TAXONOMIES,
    TAXONOMY_TERMS,
    ORGANIZATIONS,
    ORGANIZATION_IDENTIFIERS,
    PROGRAMS,
    LOCATIONS,
    ADDRESSES,
    ACCESSIBILITY,
    SERVICES,
    SERVICE_AT_LOCATION,
    CONTACTS,
    PHONES,
    LANGUAGES,
    SCHEDULES,
    FUNDING,
    SERVICE_AREAS,
    REQUIRED_DOCUMENTS,
    COST_OPTIONS,
    ATTRIBUTES,
    METADATA,
    META_TABLE_DESCRIPTIONS,
)
TABLES_BY_RESOURCE = {table.resource: table for table in TABLES}


def datapackage_descriptor():
    """The datapackage.json describing the files ``directory_export`` writes."""
    resources = []
    for table in TABLES:
        fields = []
        for column in table.specified_columns:
            described = {"name": column.name, "type": column.hsds_type}
            if column.format:
                described["format"] = column.format
            described["constraints"] = {"required": column.required}
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
