"""Writing the whole directory as an HSDS 3.0 tabular data package: ``directory_export``."""

import datetime
import json
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
    """A value as HSDS 3.0 writes it: times with seconds (HH:MM:SS), dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def model_lookups(table):
    """Column name -> the ``values()`` lookup reading it; a reference reads its target's HSDS id."""
    lookups = {}
    for column in table.kept_columns:
        if column.ref:
            lookups[column.name] = f"{column.field}__{TABLES_BY_RESOURCE[column.ref].id_field}"
        else:
            lookups[column.name] = column.field
    return lookups


def export_rows(table):
    """The table's rows as CSV dicts of the HSDS 3.0 columns; columns not kept are empty."""
    if table.export_source:
        queryset, lookups = table.export_source(table)
    else:
        queryset, lookups = table.model.objects.order_by("pk"), model_lookups(table)
    names = [column.name for column in table.specified_columns]
    lookups = {name: lookup for name, lookup in lookups.items() if name in names}
    for record in queryset.values(*lookups.values()):
        row = {**dict.fromkeys(names, ""), **table.export_defaults}
        for name, lookup in lookups.items():
            row[name] = format_value(record[lookup])
        yield row


def directory_export(*, directory):
    """Write the whole directory as an HSDS 3.0 tabular data package: the CSV files and datapackage.json."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    with transaction.atomic():  # one consistent snapshot of every table
        for table in TABLES:
            with (directory / table.path).open("w", encoding="utf-8", newline="") as handle:
                names = [column.name for column in table.specified_columns]
                writer = SafeDictWriter(handle, fieldnames=names)
                writer.writeheader()
                result.counts[table.path] = 0
                for row in export_rows(table):
                    writer.writerow(row)
                    result.counts[table.path] += 1
    (directory / DATAPACKAGE).write_text(
        json.dumps(datapackage_descriptor(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return result
