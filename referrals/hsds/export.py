"""Writing the whole directory as an HSDS 3.0 tabular data package: ``directory_export``."""

import contextlib
import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from carecoord.spreadsheets import SafeDictWriter

from .schema import DATAPACKAGE, TABLES, TABLES_BY_RESOURCE, datapackage_descriptor


@dataclass
class ExportResult:
    """What an export wrote: the rows of each file, and datapackage.json."""

    counts: dict = field(default_factory=dict)  # file name -> rows written

    def lines(self):
        """The report the export command prints."""
        return [*(f"{path}: {count} rows" for path, count in self.counts.items()), f"{DATAPACKAGE}: written"]


def format_value(value):
    """A value as HSDS 3.0 writes it: times with seconds (HH:MM:SS), dates as YYYY-MM-DD, moments in UTC."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        moment = value.astimezone(datetime.UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def model_lookups(table):
    """Column name -> the ``values()`` lookup reading it; a reference reads its target's HSDS id."""
    lookups = {"id": table.id_field}
    for column in table.kept_columns:
        if column.name == "id":
            continue
        if column.ref:
            lookups[column.name] = f"{column.field}__{TABLES_BY_RESOURCE[column.ref].id_field}"
        else:
            lookups[column.name] = column.field
    return lookups


def export_rows(table):
    """The table's rows as CSV dicts of its HSDS 3.0 columns, in the specification's order."""
    names = [column.name for column in table.specified_columns]
    lookups = {name: lookup for name, lookup in model_lookups(table).items() if name in names}
    for record in table.model.objects.order_by("pk").values(*lookups.values()).iterator():
        row = dict.fromkeys(names, "")
        for name, lookup in lookups.items():
            row[name] = format_value(record[lookup])
        yield row


def _write_package(open_text):
    """Every table and datapackage.json, each written through ``open_text(name)`` (a text file)."""
    result = ExportResult()
    with transaction.atomic():  # one consistent snapshot of every table
        for table in TABLES:
            with open_text(table.path) as handle:
                names = [column.name for column in table.specified_columns]
                writer = SafeDictWriter(handle, fieldnames=names)
                writer.writeheader()
                result.counts[table.path] = 0
                for row in export_rows(table):
                    writer.writerow(row)
                    result.counts[table.path] += 1
    with open_text(DATAPACKAGE) as handle:
        handle.write(json.dumps(datapackage_descriptor(), indent=2, ensure_ascii=False) + "\n")
    return result


def directory_export(*, directory):
    """Write the whole directory as an HSDS 3.0 tabular data package: the CSV files and datapackage.json."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return _write_package(lambda name: (directory / name).open("w", encoding="utf-8", newline=""))


def directory_export_archive(*, stream):
    """Write the whole directory as an HSDS 3.0 package into ``stream`` as one zip file."""
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        @contextlib.contextmanager
        def open_text(name):
            with (
                archive.open(name, "w") as binary,
                io.TextIOWrapper(binary, encoding="utf-8", newline="") as text,
            ):
                yield text

        return _write_package(open_text)
