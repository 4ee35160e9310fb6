"""Reading and checking a package: every file into rows, and every problem listed, before any write.

Strict where HSDS 3.0 is: a missing required column or value, a broken required
reference, a required value that cannot be read, a duplicate id, or a file that
is not UTF-8 CSV refuses the whole package. Tolerant where it is: an optional
value that cannot be used (a latitude of 100, a malformed web address or email,
an unknown choice, a date that is no date) is imported as empty, with a warning
naming the file, row, field and value. ``strict=True`` makes every warning a
refusal. Rows come from CSV files (``read_directory``) or from the HSDS API
(``referrals.hsds.remote``), and are checked the same way.
"""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from carecoord.spreadsheets import is_formula

from .schema import DATAPACKAGE, TABLES, TABLES_BY_RESOURCE, TEXT_KINDS

MAX_PROBLEMS_LISTED = 50
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


class HSDSImportError(Exception):
    """The package was refused and nothing was saved; ``problems`` says why, one line each."""

    def __init__(self, problems, *, strict=False):
        self.problems = [str(problem) for problem in problems]
        listed = self.problems[:MAX_PROBLEMS_LISTED]
        more = len(self.problems) - len(listed)
        first = "The HSDS package was refused; nothing was imported."
        if strict:
            first = "The HSDS package was refused (strict: every warning refuses it); nothing was imported."
        lines = [first, *listed]
        if more > 0:
            lines.append(f"... and {more} more problems.")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Finding:
    """A problem or a warning: where (file and row, or the API's record), which field, what."""

    source: str  # the file, or the API resource, the value came from
    label: str  # "locations.csv row 2", or "location 'a1b2…'" for the API
    column: str | None
    message: str

    def __str__(self):
        if self.column is None:
            return f"{self.label}: {self.message}"
        return f"{self.label}, field '{self.column}': {self.message}"


@dataclass
class RawRow:
    """A row as read: text cells by column name; a column the source lacks is absent."""

    source: str
    label: str
    cells: dict


@dataclass
class Row:
    label: str
    source: str
    values: dict = field(default_factory=dict)  # column name -> parsed value ("" or None when empty)

    @property
    def id(self):
        return self.values["id"]


def empty(column):
    return "" if column.kind in TEXT_KINDS else None


class PackageReader:
    """Reads a package's rows and checks them, collecting every problem and warning it finds."""

    def __init__(self, *, strict=False):
        self.strict = strict
        self.problems = []
        self.warnings = []
        self.notes = []

    def problem(self, source, message, *, label=None, column=None):
        self.problems.append(Finding(source, label or source, column, message))

    def warn(self, row, column, message):
        self.warnings.append(Finding(row.source, row.label, column, message))

    def refuse_if_problems(self):
        """Raise HSDSImportError when anything refuses the package (every warning, when strict)."""
        problems = self.problems + (self.warnings if self.strict else [])
        if problems:
            raise HSDSImportError(problems, strict=self.strict and bool(self.warnings))

    # Files

    def read_directory(self, directory):
        """The files present (resource -> file name) and their raw rows (resource -> rows)."""
        directory = Path(directory)
        if not directory.is_dir():
            raise HSDSImportError([f"{directory}: no such directory."])
        paths = self._paths(directory)
        present = {}
        for resource, path in paths.items():
            try:
                found = (directory / path).is_file()
            except OSError as error:  # a name the file system refuses, e.g. one too long
                self.problem(
                    DATAPACKAGE,
                    f"resource '{resource}' names a file that cannot be opened ({error.strerror}).",
                )
                continue
            if found:
                present[resource] = path
        expected = set(present.values()) | {DATAPACKAGE}
        for entry in sorted(directory.iterdir()):
            if entry.name not in expected:
                self.notes.append(f"Ignoring {entry.name}: not a table of HSDS 3.0.")
        if not present and not self.problems:
            self.problem(
                str(directory), "no HSDS files found (expected e.g. organizations.csv, services.csv)."
            )
        raw = {}
        for table in TABLES:
            if table.resource in present:
                raw[table.resource] = self._read_file(table, directory, present[table.resource])
        return present, raw

    def _paths(self, directory):
        """File names by resource: the specification's, or the ones datapackage.json gives."""
        paths = {table.resource: table.path for table in TABLES}
        descriptor_path = directory / DATAPACKAGE
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
                self.notes.append(f"{DATAPACKAGE}: resource '{name}' is not a table of HSDS 3.0.")
            elif not isinstance(path, str) or Path(path).name != path:
                self.problem(DATAPACKAGE, f"resource '{name}' must name a file in the package folder.")
            else:
                paths[name] = path
        return paths

    def _read_file(self, table, directory, path):
        raw = (directory / path).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.problem(path, f"is not UTF-8 text (undecodable byte on line {line}); save it as UTF-8.")
            return []
        if "\x00" in text:
            # No text column may hold one (PostgreSQL refuses it): say where, as for a bad byte.
            line = text[: text.index("\x00")].count("\n") + 1
            self.problem(path, f"holds a NUL character on line {line}; remove it.")
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
        rows = []
        for number, record in enumerate(records[1:], start=2):
            if not any(cell.strip() for cell in record):
                continue
            label = f"{path} row {number}"
            if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
                self.problem(path, "has more values than the header has columns.", label=label)
                continue
            cells = dict.fromkeys(header, "")
            cells.update(zip(header, record, strict=False))
            rows.append(RawRow(path, label, cells))
        return rows

    def _check_header(self, table, path, header):
        label = f"{path} row 1"
        duplicates = sorted({name for name in header if header.count(name) > 1})
        if duplicates:
            self.problem(path, f"column(s) named twice: {', '.join(duplicates)}.", label=label)
            return False
        missing = [column.name for column in table.columns if column.required and column.name not in header]
        for name in missing:
            self.problem(path, "required column is missing.", label=label, column=name)
        known = {column.name for column in table.columns}
        unknown = [name for name in header if name not in known]
        if unknown:
            self.notes.append(f"{path}: ignoring column(s) {', '.join(unknown)}.")
        return not missing

    # Rows, from files or from the API

    def parse_tables(self, raw):
        """Raw rows (resource -> RawRows) parsed and checked one by one; duplicates refused."""
        rows = {}
        for table in TABLES:
            if table.resource not in raw:
                continue
            rows[table.resource], seen = [], {}
            for raw_row in raw[table.resource]:
                row = self._parse_row(table, raw_row)
                if row is None:
                    continue
                if row.id in seen:
                    self.problem(
                        row.source,
                        f"duplicate id '{row.id}' (also on {seen[row.id]}).",
                        label=row.label,
                        column="id",
                    )
                    continue
                seen[row.id] = row.label
                rows[table.resource].append(row)
        return rows

    def _parse_row(self, table, raw_row):
        row, ok = Row(raw_row.label, raw_row.source), True
        for column in table.columns:
            if column.name not in raw_row.cells and (not column.in_specification or column.keep_when_empty):
                continue  # not in this package: the kept value stays as it is
            text = raw_row.cells.get(column.name)
            text = "" if text is None else str(text).strip()
            if not text:
                if column.required:
                    self.problem(row.source, "a value is required.", label=row.label, column=column.name)
                    ok = False
                elif not column.keep_when_empty:
                    row.values[column.name] = empty(column)
                continue
            try:
                row.values[column.name] = parse_value(column, text)
            except ValueError as error:
                if column.required:
                    self.problem(row.source, str(error), label=row.label, column=column.name)
                    ok = False
                else:
                    self.warn(row, column.name, imported_empty(error))
                    row.values[column.name] = empty(column)
                continue
            if column.name == "id" and column.format == "uuid" and not UUID.fullmatch(text):
                self.warn(
                    row, "id", f"'{text}' is not a UUID, as HSDS 3.0 asks of identifiers; kept as given."
                )
        if not ok:
            return None
        return row if self._check_row(table, row) else None

    def _check_row(self, table, row):
        """The table's rules across columns, then the model's own field checks (lengths)."""
        values = row.values
        if table.prepare_row:
            table.prepare_row(values)
        if table.check_row:
            for columns, message in table.check_row(values):
                for name in columns:
                    self.warn(row, name, f"{message}; imported as empty.")
                    values[name] = empty(table.column(name))
        plain = {
            column.field: values[column.name]
            for column in table.kept_columns
            if not column.ref and column.name in values
        }
        instance = table.model(**plain)
        try:
            instance.clean_fields(exclude=[f.name for f in table.model._meta.fields if f.name not in plain])
        except ValidationError as error:
            columns = {column.field: column for column in table.kept_columns}
            ok = True
            for field_name, messages in error.message_dict.items():
                column = columns.get(field_name)
                message = " ".join(messages)
                if column is None or column.required:
                    name = column.name if column else field_name
                    self.problem(row.source, message, label=row.label, column=name)
                    ok = False
                else:
                    shown = _shown(values[column.name])
                    self.warn(row, column.name, f"{shown}: {message.rstrip('.')}; imported as empty.")
                    values[column.name] = empty(column)
            return ok
        return True

    def check_references(self, rows):
        """Broken required references are problems; broken optional ones become empty, with a warning."""
        known = {}

        def ids(resource):
            if resource not in known:
                table = TABLES_BY_RESOURCE[resource]
                known[resource] = set(table.model.objects.values_list(table.id_field, flat=True))
                known[resource].update(row.id for row in rows.get(resource, []))
            return known[resource]

        for table in TABLES:
            for row in rows.get(table.resource, []):
                for column in table.columns:
                    if not column.is_reference or not row.values.get(column.name):
                        continue
                    target = row.values[column.name]
                    resource = column.ref or row.values.get(column.ref_by)
                    if resource not in TABLES_BY_RESOURCE:
                        self.warn(
                            row,
                            column.ref_by,
                            f"'{resource}' names no table of HSDS 3.0, so {column.name} '{target}' is "
                            "kept as given, unchecked.",
                        )
                        continue
                    if target in ids(resource):
                        continue
                    what = resource.replace("_", " ")
                    if column.required:
                        self.problem(
                            row.source, f"no {what} has id '{target}'.", label=row.label, column=column.name
                        )
                    else:
                        self.warn(row, column.name, f"no {what} has id '{target}'; imported as empty.")
                        row.values[column.name] = None

    def check_formulas(self, rows):
        """A warning for each kept text cell a spreadsheet would run as a formula (=, +, -, @ first).

        The value is imported as given; the export writes it with a leading
        apostrophe (``carecoord.spreadsheets``), so a spreadsheet opening the
        export shows it as text. Cells are read without their surrounding
        spaces, so a leading tab or carriage return is already gone; numbers
        and dates are not text. Phone numbers are not checked: "+1 555 ..." is
        how they are written, and the export leaves a plain one as it is. Call
        after ``check_references``, on the rows it kept.
        """
        for table in TABLES:
            columns = [
                column
                for column in table.kept_columns
                if column.kind == "string" and not column.phone and not column.is_reference
            ]
            for row in rows.get(table.resource, []):
                for column in columns:
                    value = row.values.get(column.name)
                    if isinstance(value, str) and is_formula(value):
                        self.warn(
                            row,
                            column.name,
                            f"begins with {value[0]!r} as a spreadsheet formula does; imported as given, "
                            "exported with a leading apostrophe so that spreadsheets show it as text.",
                        )


def imported_empty(error):
    return f"{str(error).rstrip('.')}; imported as empty."


def _shown(value):
    text = str(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def parse_value(column, raw):
    """A cell as the column's type; ValueError with a message a publisher can act on."""
    if column.kind == "string":
        check_format(column, raw)
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
    if column.kind == "datetime":
        return parse_moment(raw)
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
    if column.places is not None:
        value = value.quantize(Decimal(10) ** -column.places, rounding=ROUND_HALF_EVEN)
    return value


def parse_moment(raw):
    """An ISO 8601 date and time (HSDS's last_modified), kept to the millisecond; no offset means UTC."""
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(f"'{raw}' is not a date and time; write it as YYYY-MM-DDTHH:MM:SSZ.")
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def check_format(column, raw):
    """The formats HSDS 3.0 declares for text: email addresses and URIs (identifiers are checked apart)."""
    if column.format == "email":
        try:
            validate_email(raw)
        except ValidationError:
            raise ValueError(f"'{raw}' is not an email address.") from None
    elif column.format == "uri" and not is_uri(raw):
        raise ValueError(f"'{raw}' is not a web address (URI), such as https://example.org/.")


def is_uri(value):
    """An absolute URI, as frictionless checks HSDS's uri format: a scheme, and a host for web addresses."""
    if any(character.isspace() for character in value):
        return False
    scheme, _colon, rest = value.partition(":")
    if not rest or not URI_SCHEME.fullmatch(scheme):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.scheme.casefold() in {"http", "https"}:
        return bool(parts.hostname)
    return True
