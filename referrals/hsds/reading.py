"""Reading and checking a package: every file into rows, and every problem listed, before any write."""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError

from carecoord.spreadsheets import is_formula

from .schema import DATAPACKAGE, TABLES, TABLES_BY_RESOURCE, TEXT_KINDS

MAX_PROBLEMS_LISTED = 50


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
class Row:
    number: int  # the header is row 1
    values: dict  # column name -> parsed value ("" or None when empty)

    @property
    def id(self):
        return self.values["id"]


class PackageReader:
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
        """The files present (resource -> file name) and their rows (resource -> rows)."""
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
        rows, seen = [], {}
        for number, record in enumerate(records[1:], start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
                self.problem(path, "has more values than the header has columns.", row=number)
                continue
            cells = dict(zip(header, record, strict=False))
            row = self._parse_row(table, path, number, header, cells)
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

    def _parse_row(self, table, path, number, header, cells):
        values, ok = {}, True
        for column in table.columns:
            if not column.in_specification and column.name not in header:
                continue  # not in this package: the kept value stays as it is
            raw = (cells.get(column.name) or "").strip()
            if not raw:
                if column.required:
                    self.problem(path, "a value is required.", row=number, column=column.name)
                    ok = False
                values[column.name] = "" if column.kind in TEXT_KINDS else None
                continue
            if not (column.field or column.hook_input):
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
        """The table's rules across columns, then the model's own field checks (lengths, emails, choices)."""
        values = row.values
        if table.prepare_row:
            table.prepare_row(values)
        if table.check_row:
            problems = table.check_row(values)
            for column, message in problems:
                self.problem(path, message, row=row.number, column=column)
            if problems:
                return False
        model = table.model
        plain = {
            column.field: values[column.name]
            for column in table.kept_columns
            if not column.ref and column.name in values
        }
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
        referenced = {column.ref for table in TABLES for column in table.columns if column.ref}
        known = {}
        for resource in referenced:
            table = TABLES_BY_RESOURCE[resource]
            known[resource] = set(table.model.objects.values_list(table.id_field, flat=True))
            known[resource].update(row.id for row in rows.get(resource, []))
        for table in TABLES:
            kept_rows = []
            for row in rows.get(table.resource, []):
                reason = table.skip_row(row.values) if table.skip_row else None
                if reason:
                    self.notes.append(f"{table.path} row {row.number}: skipped, {reason}.")
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

    def check_formulas(self, present, rows):
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
                column for column in table.kept_columns if column.kind == "string" and not column.phone
            ]
            for row in rows.get(table.resource, []):
                for column in columns:
                    value = row.values.get(column.name)
                    if isinstance(value, str) and is_formula(value):
                        self.warnings.append(
                            f"{present[table.resource]} row {row.number}, field '{column.name}': begins with "
                            f"{value[0]!r} as a spreadsheet formula does; imported as given, exported with a "
                            "leading apostrophe so that spreadsheets show it as text."
                        )


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
