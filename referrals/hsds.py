"""A region's service directory in and out as an Open Referral HSDS 3.0 tabular data package.

The package is a folder of CSV files (organizations.csv, services.csv, ...) and,
optionally, the datapackage.json that describes them. ``directory_import`` reads
all of it, checks all of it, and only then writes, in one transaction: any error
(a missing required value, a broken required reference, a bad date or number, a
duplicate id, a file that is not UTF-8) refuses the whole package and saves
nothing. An optional reference that points at nothing is imported as empty with
a warning. ``directory_export`` writes the same format back.
"""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from carecoord.text import match_words
from cases.models import ServiceCategory

from .models import (
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

DATAPACKAGE = "datapackage.json"
MAX_PROBLEMS_LISTED = 50

# --------------------------------------------------------------------------
# Service categories: HSDS taxonomy terms mapped onto the case side's list.
# A term maps when its name or code, ignoring case, accents and punctuation,
# is in this table or is one of ServiceCategory.Code's values; a term that does
# not map takes the category of its nearest mapped parent term.
# --------------------------------------------------------------------------

Code = ServiceCategory.Code

CATEGORY_NAMES = {
    "medical": Code.MEDICAL,
    "medical care": Code.MEDICAL,
    "health care": Code.MEDICAL,
    "healthcare": Code.MEDICAL,
    "primary care": Code.MEDICAL,
    "specialty medical care": Code.MEDICAL,
    "physical therapy": Code.PHYSICAL_THERAPY,
    "physiotherapy": Code.PHYSICAL_THERAPY,
    "speech therapy": Code.SPEECH_THERAPY,
    "speech and language therapy": Code.SPEECH_THERAPY,
    "speech language pathology": Code.SPEECH_THERAPY,
    "occupational therapy": Code.OCCUPATIONAL_THERAPY,
    "behavioral health": Code.BEHAVIORAL_HEALTH,
    "behavioural health": Code.BEHAVIORAL_HEALTH,
    "mental health": Code.BEHAVIORAL_HEALTH,
    "mental health care": Code.BEHAVIORAL_HEALTH,
    "crisis intervention": Code.BEHAVIORAL_HEALTH,
    "counseling": Code.BEHAVIORAL_HEALTH,
    "housing": Code.HOUSING,
    "housing assistance": Code.HOUSING,
    "shelter": Code.HOUSING,
    "transportation": Code.TRANSPORTATION,
    "medical transportation": Code.TRANSPORTATION,
    "non emergency medical transportation": Code.TRANSPORTATION,
    "food": Code.FOOD,
    "food pantry": Code.FOOD,
    "food assistance": Code.FOOD,
    "financial assistance": Code.FINANCIAL,
    "financial": Code.FINANCIAL,
    "early intervention": Code.EARLY_INTERVENTION,
    "early childhood education": Code.EARLY_INTERVENTION,
    "special education": Code.EARLY_INTERVENTION,
    "child care": Code.CHILDCARE,
    "childcare": Code.CHILDCARE,
    "legal": Code.LEGAL,
    "legal aid": Code.LEGAL,
    "legal assistance": Code.LEGAL,
    "legal services": Code.LEGAL,
}

# Terms of these taxonomies (the taxonomy_terms.csv "taxonomy" column) name the
# insurance a service accepts, e.g. "Medicaid", "CHIP", "Private".
INSURANCE_TAXONOMIES = {"insurance", "insurance accepted"}


def category_code_for_term(name, code=""):
    """The ServiceCategory code a taxonomy term's name or code maps to, or None."""
    known_codes = {match_words(value): value for value in Code.values}
    for candidate in (match_words(code), match_words(name)):
        if candidate in known_codes:
            return known_codes[candidate]
        if candidate in CATEGORY_NAMES:
            return str(CATEGORY_NAMES[candidate])
    return None


# --------------------------------------------------------------------------
# The tables: HSDS 3.0 columns in the specification's order. ``field`` is the
# model field a column is kept in (None: read by HSDS tools, not kept here).
# --------------------------------------------------------------------------

KEEP = object()


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "string"  # string, number, integer, date, time, enum, days
    required: bool = False
    field: str | None = None
    ref: str | None = None  # resource a reference column points at
    choices: tuple = ()
    bounds: tuple | None = None

    @property
    def hsds_type(self):
        return {"number": "number", "integer": "number", "date": "date", "time": "time"}.get(
            self.kind, "string"
        )


def kept(name, kind="string", *, field=KEEP, **options):
    return Column(name, kind, field=name if field is KEEP else field, **options)


def unused(name, kind="string"):
    return Column(name, kind, field=None)


def reference(name, resource, *, field, required=False):
    return Column(name, "string", required=required, field=field, ref=resource)


IDENTIFIER = kept("id", required=True, field="hsds_id")
TEXT_KINDS = {"string", "enum", "days"}
AGE = (Decimal(0), Decimal(150))


@dataclass(frozen=True)
class Table:
    resource: str
    path: str
    model: type | None
    columns: tuple
    description: str

    def column(self, name):
        return next(column for column in self.columns if column.name == name)

    @property
    def kept_columns(self):
        return [column for column in self.columns if column.field]


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
    None,  # kept on Location
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
        unused("last_modified"),
    ),
    "Services organizations provide, with eligibility, ages and fees.",
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
        kept("number", required=True),
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
        unused("wkst"),
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
        kept("link_entity", required=True, field=None),
        kept("value"),
        kept("label"),
    ),
    "Taxonomy terms attached to services.",
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
MODELS_BY_RESOURCE = {table.resource: table.model for table in TABLES if table.model}


# --------------------------------------------------------------------------
# Results and errors
# --------------------------------------------------------------------------


class HSDSImportError(Exception):
    """The package was refused and nothing was saved; ``problems`` says why, one line each."""

    def __init__(self, problems):
        self.problems = list(problems)
        listed = self.problems[:MAX_PROBLEMS_LISTED]
        more = len(self.problems) - len(listed)
        lines = ["The HSDS package was refused; nothing was imported.", *listed]
        if more > 0:
            lines.append(f"... and {more} more problems.")
        super().__init__("\n".join(lines))


@dataclass
class ImportResult:
    counts: dict = field(default_factory=dict)  # file name -> {"created": n, "updated": n, "unchanged": n}
    warnings: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def changed(self):
        return any(count["created"] or count["updated"] for count in self.counts.values())

    def add(self, path, outcome):
        self.counts.setdefault(path, {"created": 0, "updated": 0, "unchanged": 0})[outcome] += 1


@dataclass
class Row:
    number: int  # the header is row 1
    values: dict  # column name -> parsed value ("" or None when empty)

    @property
    def id(self):
        return self.values["id"]


# --------------------------------------------------------------------------
# Reading and checking
# --------------------------------------------------------------------------


class _Reader:
    """Reads every file of a package into rows, collecting every problem it finds."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.problems = []
        self.warnings = []
        self.notes = []

    def problem(self, path, message, *, row=None, column=None):
        where = path
        if row is not None:
            where += f" row {row}"
        if column is not None:
            where += f", field '{column}'"
        self.problems.append(f"{where}: {message}")

    def read(self):
        if not self.directory.is_dir():
            raise HSDSImportError([f"{self.directory}: no such directory."])
        paths = self._paths()
        present = {resource: path for resource, path in paths.items() if (self.directory / path).is_file()}
        expected = set(present.values()) | {DATAPACKAGE}
        for entry in sorted(self.directory.iterdir()):
            if entry.name not in expected:
                self.notes.append(f"Ignoring {entry.name}: not a table this import reads.")
        if not present and not self.problems:
            self.problems.append(
                f"{self.directory}: no HSDS files found (expected e.g. organizations.csv, services.csv)."
            )
        rows = {}
        for table in TABLES:
            if table.resource in present:
                rows[table.resource] = self._read_table(table, present[table.resource])
        return present, rows

    def _paths(self):
        """File names by resource: the specification's, or the ones datapackage.json gives."""
        paths = {table.resource: table.path for table in TABLES}
        descriptor_path = self.directory / DATAPACKAGE
        if not descriptor_path.is_file():
            return paths
        try:
            descriptor = json.loads(descriptor_path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            self.problem(DATAPACKAGE, f"not valid UTF-8 JSON ({error}).")
            return paths
        resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
        if not isinstance(resources, list):
            self.problem(DATAPACKAGE, "has no list of resources.")
            return paths
        for resource in resources:
            if not isinstance(resource, dict):
                continue
            name, path = resource.get("name"), resource.get("path")
            if name not in TABLES_BY_RESOURCE:
                self.notes.append(f"{DATAPACKAGE}: resource '{name}' is not imported.")
            elif not isinstance(path, str) or Path(path).name != path:
                self.problem(DATAPACKAGE, f"resource '{name}' must name a file in the package folder.")
            else:
                paths[name] = path
        return paths

    def _read_table(self, table, path):
        raw = (self.directory / path).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.problem(path, f"is not UTF-8 text (undecodable byte on line {line}); save it as UTF-8.")
            return []
        try:
            records = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            self.problem(path, f"is not a readable CSV file ({error}).")
            return []
        if not records or not any(cell.strip() for cell in records[0]):
            self.problem(path, "is empty: the first row must name the columns.")
            return []
        header = [name.strip() for name in records[0]]
        if not self._check_header(table, path, header):
            return []
        rows, seen = [], {}
        for number, record in enumerate(records[1:], start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
                self.problem(path, "has more values than the header has columns.", row=number)
                continue
            cells = dict(zip(header, record, strict=False))
            row = self._parse_row(table, path, number, cells)
            if row is None:
                continue
            if row.id in seen:
                self.problem(
                    path, f"duplicate id '{row.id}' (also on row {seen[row.id]}).", row=number, column="id"
                )
                continue
            seen[row.id] = number
            rows.append(row)
        return rows

    def _check_header(self, table, path, header):
        duplicates = sorted({name for name in header if header.count(name) > 1})
        if duplicates:
            self.problem(path, f"column(s) named twice: {', '.join(duplicates)}.", row=1)
            return False
        missing = [column.name for column in table.columns if column.required and column.name not in header]
        for name in missing:
            self.problem(path, "required column is missing.", row=1, column=name)
        known = {column.name for column in table.columns}
        unknown = [name for name in header if name not in known]
        if unknown:
            self.notes.append(f"{path}: ignoring column(s) {', '.join(unknown)}.")
        return not missing

    def _parse_row(self, table, path, number, cells):
        values, ok = {}, True
        for column in table.columns:
            raw = (cells.get(column.name) or "").strip()
            if not raw:
                if column.required:
                    self.problem(path, "a value is required.", row=number, column=column.name)
                    ok = False
                values[column.name] = "" if column.kind in TEXT_KINDS else None
                continue
            if not column.field and column.name != "link_entity":
                continue
            try:
                values[column.name] = parse_value(column, raw)
            except ValueError as error:
                self.problem(path, str(error), row=number, column=column.name)
                ok = False
        if not ok:
            return None
        row = Row(number, values)
        if not self._check_row(table, path, row):
            return None
        return row

    def _check_row(self, table, path, row):
        """Rules across columns, then the model's own field checks (lengths, emails, choices)."""
        values = row.values
        if table is SERVICES:
            low, high = values["minimum_age"], values["maximum_age"]
            if low is not None and high is not None and low > high:
                self.problem(path, "is below minimum_age.", row=row.number, column="maximum_age")
                return False
        if table is SCHEDULES:
            start, end = values["valid_from"], values["valid_to"]
            if start and end and start > end:
                self.problem(path, "is before valid_from.", row=row.number, column="valid_to")
                return False
        if table is LANGUAGES:
            values["code"] = values["code"].casefold()
        model = table.model or Location
        plain = {column.field: values[column.name] for column in table.kept_columns if not column.ref}
        instance = model(**plain)
        try:
            instance.clean_fields(exclude=[f.name for f in model._meta.fields if f.name not in plain])
        except ValidationError as error:
            columns = {column.field: column.name for column in table.kept_columns}
            for field_name, messages in error.message_dict.items():
                self.problem(
                    path, " ".join(messages), row=row.number, column=columns.get(field_name, field_name)
                )
            return False
        return True

    def check_references(self, rows):
        """Broken required references are problems; broken optional ones become empty, with a warning."""
        known = {}
        for resource, model in MODELS_BY_RESOURCE.items():
            known[resource] = set(model.objects.values_list("hsds_id", flat=True))
            known[resource].update(row.id for row in rows.get(resource, []))
        for table in TABLES:
            kept_rows = []
            for row in rows.get(table.resource, []):
                if table is ATTRIBUTES and row.values["link_entity"].casefold() != "service":
                    self.notes.append(
                        f"{table.path} row {row.number}: skipped, attributes of a "
                        f"'{row.values['link_entity']}' are not imported."
                    )
                    continue
                for column in table.columns:
                    target = row.values.get(column.name) if column.ref else None
                    if not target or target in known[column.ref]:
                        continue
                    if column.required:
                        self.problem(
                            table.path,
                            f"no {column.ref.replace('_', ' ')} has id '{target}'.",
                            row=row.number,
                            column=column.name,
                        )
                    else:
                        self.warnings.append(
                            f"{table.path} row {row.number}, field '{column.name}': no "
                            f"{column.ref.replace('_', ' ')} has id '{target}'; imported as empty."
                        )
                        row.values[column.name] = None
                kept_rows.append(row)
            if table.resource in rows:
                rows[table.resource] = kept_rows


def parse_value(column, raw):
    """A CSV cell as the column's type; ValueError with a message a publisher can act on."""
    if column.kind == "string":
        return raw
    if column.kind == "enum":
        for choice in column.choices:
            if raw.casefold() == choice.casefold():
                return choice
        raise ValueError(f"'{raw}' is not one of: {', '.join(column.choices)}.")
    if column.kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError(f"'{raw}' is not a date; write it as YYYY-MM-DD.")
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"'{raw}' is not a date on the calendar.") from None
    if column.kind == "time":
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:Z|[+-]\d{2}(?::?\d{2})?)?", raw)
        try:
            if not match:
                raise ValueError
            # Times are kept as the location's local time; a UTC offset is not kept.
            return datetime.time(int(match[1]), int(match[2]), int(match[3] or 0))
        except ValueError:
            raise ValueError(f"'{raw}' is not a time; write it as HH:MM.") from None
    if column.kind == "days":
        days = [day.strip().upper() for day in raw.split(",")]
        if not all(re.fullmatch(r"[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)", day) for day in days):
            raise ValueError(f"'{raw}' is not a list of days such as MO,TU,WE.")
        return ",".join(days)
    if column.kind == "integer":
        if not re.fullmatch(r"\d+", raw):
            raise ValueError(f"'{raw}' is not a whole number.")
        value = int(raw)
    else:
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValueError(f"'{raw}' is not a number.") from None
        if not value.is_finite():
            raise ValueError(f"'{raw}' is not a number.")
    if column.bounds and not column.bounds[0] <= value <= column.bounds[1]:
        raise ValueError(f"{raw} is not between {column.bounds[0]} and {column.bounds[1]}.")
    return value


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


class _Writer:
    def __init__(self, result):
        self.result = result
        self.category_ids = dict(ServiceCategory.objects.values_list("code", "pk"))

    def pk_map(self, resource):
        return dict(MODELS_BY_RESOURCE[resource].objects.values_list("hsds_id", "pk"))

    def field_values(self, table, row, *, deferred=()):
        """Model attribute values for a row; references become primary keys."""
        values = {}
        for column in table.kept_columns:
            if column.field == "hsds_id" or column.name in deferred:
                continue
            value = row.values[column.name]
            if column.ref:
                values[f"{column.field}_id"] = self.pks[column.ref].get(value) if value else None
            else:
                values[column.field] = value
        if table is TAXONOMY_TERMS:
            code = category_code_for_term(row.values["name"], row.values["code"])
            values["category_id"] = self.category_ids.get(code)
        return values

    def upsert(self, table, rows):
        """Create or update each row by HSDS id; self-references are set once every row exists."""
        deferred = {column.name for column in table.columns if column.ref == table.resource}
        self.pks = {column.ref: self.pk_map(column.ref) for column in table.columns if column.ref}
        existing = table.model.objects.in_bulk([row.id for row in rows], field_name="hsds_id")
        outcomes, instances = {}, {}
        for row in rows:
            values = self.field_values(table, row, deferred=deferred)
            instance = existing.get(row.id)
            if instance is None:
                instance = table.model(hsds_id=row.id, **values)
                instance.save()
                outcomes[row.id] = "created"
            elif any(getattr(instance, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(instance, name, value)
                instance.save()
                outcomes[row.id] = "updated"
            else:
                outcomes[row.id] = "unchanged"
            instances[row.id] = instance
        # No full_clean() here: the reader already ran every field check on every row
        # before anything was written, and foreign keys come from the primary-key maps.
        if deferred:
            self.pks[table.resource] = self.pk_map(table.resource)
            for row in rows:
                instance = instances[row.id]
                for name in deferred:
                    column = table.column(name)
                    target = row.values[name]
                    pk = self.pks[table.resource].get(target) if target else None
                    if getattr(instance, f"{column.field}_id") != pk:
                        setattr(instance, f"{column.field}_id", pk)
                        instance.save(update_fields=[column.field])
                        if outcomes[row.id] == "unchanged":
                            outcomes[row.id] = "updated"
        for row in rows:
            self.result.add(table.path, outcomes[row.id])

    def addresses(self, rows):
        """Each location keeps one address: its physical one, else the first given."""
        locations = self.pk_map("location")
        self.pks = {"location": locations}
        chosen = {}
        for row in rows:
            target = row.values["location_id"]
            if not target:
                self.result.notes.append(f"{ADDRESSES.path} row {row.number}: skipped, it names no location.")
                continue
            previous = chosen.get(target)
            if previous is None or (
                row.values["address_type"] == Location.Type.PHYSICAL
                and previous.values["address_type"] != Location.Type.PHYSICAL
            ):
                if previous is not None:
                    self._one_address_note(previous, target)
                chosen[target] = row
            else:
                self._one_address_note(row, target)
        by_pk = Location.objects.in_bulk([locations[target] for target in chosen])
        holders = dict(Location.objects.exclude(address_hsds_id="").values_list("address_hsds_id", "pk"))
        for target, row in chosen.items():
            location = by_pk[locations[target]]
            values = self.field_values(ADDRESSES, row)
            values.pop("location_id")
            values["address_hsds_id"] = row.id
            holder = holders.get(row.id)
            if holder not in (None, location.pk):
                # The address moved to another location: the old one gives it up first.
                Location.objects.filter(pk=holder).update(**{name: "" for name in values})
            if all(getattr(location, name) == value for name, value in values.items()):
                outcome = "unchanged"
            else:
                outcome = "updated" if location.address_hsds_id == row.id else "created"
                for name, value in values.items():
                    setattr(location, name, value)
                location.save()
            self.result.add(ADDRESSES.path, outcome)

    def _one_address_note(self, row, target):
        self.result.notes.append(
            f"{ADDRESSES.path} row {row.number}: skipped, location '{target}' keeps one address."
        )


def refresh_derived():
    """Recompute what the import derives: service categories, insurance, search words, hours."""
    terms = {term.pk: term for term in TaxonomyTerm.objects.all()}
    services = Service.objects.select_related("organization").prefetch_related("categories", "attributes")
    for service in services:
        categories, insurance = set(), set()
        for attribute in service.attributes.all():
            term = terms[attribute.taxonomy_term_id]
            if match_words(term.taxonomy) in INSURANCE_TAXONOMIES:
                insurance.add(term.name)
                continue
            seen = set()
            while term is not None and term.category_id is None and term.pk not in seen:
                seen.add(term.pk)
                term = terms.get(term.parent_id)
            if term is not None and term.category_id is not None:
                categories.add(term.category_id)
        insurance_text = ", ".join(sorted(insurance, key=str.casefold))
        text = service.build_search_text()
        if service.insurance_accepted != insurance_text or service.search_text != text:
            service.insurance_accepted = insurance_text
            service.search_text = text
            service.save(update_fields=["insurance_accepted", "search_text"])
        if {category.pk for category in service.categories.all()} != categories:
            service.categories.set(categories)
    for location in Location.objects.prefetch_related("schedules"):
        hours = hours_text(location.schedules.all())
        if location.hours != hours:
            location.hours = hours
            location.save(update_fields=["hours"])


def hours_text(schedules):
    """One line per distinct schedule, in the order the package gives them."""
    lines = []
    for schedule in sorted(schedules, key=lambda item: item.pk):
        line = schedule.summary
        if line and line not in lines:
            lines.append(line)
    return "; ".join(lines)


@transaction.atomic
def directory_import(*, directory, stdout):
    """Import an HSDS 3.0 tabular data package by HSDS id: all of it, or on any error none of it."""
    reader = _Reader(directory)
    present, rows = reader.read()
    if not reader.problems:
        reader.check_references(rows)
    if reader.problems:
        raise HSDSImportError(reader.problems)
    result = ImportResult(warnings=reader.warnings, notes=reader.notes)
    writer = _Writer(result)
    for table in TABLES:
        if table.resource not in present:
            continue
        result.counts.setdefault(table.path, {"created": 0, "updated": 0, "unchanged": 0})
        if table is ADDRESSES:
            writer.addresses(rows[table.resource])
        else:
            writer.upsert(table, rows[table.resource])
    refresh_derived()
    for note in result.notes:
        _say(stdout, f"Note: {note}")
    for warning in result.warnings:
        _say(stdout, f"Warning: {warning}")
    for table in TABLES:
        path = present.get(table.resource)
        if path:
            count = result.counts[table.path]
            created, updated, unchanged = count["created"], count["updated"], count["unchanged"]
            _say(stdout, f"{path}: {created} created, {updated} updated, {unchanged} unchanged")
    return result


def _say(stdout, line):
    # A management command's OutputWrapper adds the line ending itself; a plain stream does not.
    stdout.write(line if line.endswith("\n") else f"{line}\n")


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def format_value(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _export_rows(table):
    if table is ADDRESSES:
        lookups = {column.name: column.field for column in table.kept_columns}
        lookups["location_id"] = "hsds_id"
        queryset = Location.objects.exclude(address_hsds_id="").order_by("pk")
    else:
        lookups = {}
        for column in table.kept_columns:
            if column.ref:
                lookups[column.name] = f"{column.field}__hsds_id"
            else:
                lookups[column.name] = column.field
        queryset = table.model.objects.order_by("pk")
    for record in queryset.values(*lookups.values()):
        row = {column.name: "" for column in table.columns}
        for name, lookup in lookups.items():
            row[name] = format_value(record[lookup])
        if table is ATTRIBUTES:
            row["link_entity"] = "service"
        yield row


def datapackage_descriptor():
    """The datapackage.json describing the files ``directory_export`` writes."""
    resources = []
    for table in TABLES:
        fields = []
        for column in table.columns:
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
            for column in table.columns
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


def directory_export(*, directory, stdout):
    """Write the whole directory as an HSDS 3.0 tabular data package: the CSV files and datapackage.json."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    with transaction.atomic():  # one consistent snapshot of every table
        for table in TABLES:
            with (directory / table.path).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=[column.name for column in table.columns])
                writer.writeheader()
                counts[table.path] = 0
                for row in _export_rows(table):
                    writer.writerow(row)
                    counts[table.path] += 1
    (directory / DATAPACKAGE).write_text(
        json.dumps(datapackage_descriptor(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for path, count in counts.items():
        _say(stdout, f"{path}: {count} rows")
    _say(stdout, f"{DATAPACKAGE}: written")
    return counts
