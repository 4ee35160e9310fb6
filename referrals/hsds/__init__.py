"""A region's service directory in and out as Open Referral HSDS 3.0: every table, both ways.

The package is a folder of CSV files (organizations.csv, services.csv, ...) and,
optionally, the datapackage.json that describes them. ``directory_import`` reads
all of it, checks all of it, and only then writes, in one transaction: a missing
required value, a broken required reference, a duplicate id or a file that is
not UTF-8 refuses the whole package and saves nothing; an optional value that
cannot be used is imported as empty with a warning (``strict`` refuses those
too). ``directory_export`` writes every table back. Neither prints: each returns
a result whose ``lines()`` the management commands print.

- schema.py: the 21 tables, their columns and hooks, and the datapackage.json the export writes;
- categories.py: taxonomy terms mapped onto the case side's service categories;
- reading.py: reading and checking rows, from files or from the HSDS API;
- writing.py: writing checked rows into the models, and ``directory_import``;
- modified.py: which services a change reaches, for their ``last_modified``;
- addresses.py: the address a location shows, derived from its addresses;
- export.py: ``directory_export``;
- spec/: the specification's datapackage.json and JSON schemas, which the tests check against.
"""

from .categories import CATEGORY_NAMES, INSURANCE_TAXONOMIES, category_code_for_term
from .export import ExportResult, directory_export, directory_export_archive, format_value
from .reading import HSDSImportError, parse_value
from .schema import (
    ADDRESSES,
    ATTRIBUTES,
    DATAPACKAGE,
    LANGUAGES,
    LOCATIONS,
    ORGANIZATIONS,
    PHONES,
    SCHEDULES,
    SERVICE_AT_LOCATION,
    SERVICES,
    TABLES,
    TABLES_BY_RESOURCE,
    TAXONOMY_TERMS,
    Column,
    Table,
    datapackage_descriptor,
)
from .writing import ImportResult, directory_import, hours_text, refresh_derived, service_edited

__all__ = [
    "ADDRESSES",
    "ATTRIBUTES",
    "CATEGORY_NAMES",
    "DATAPACKAGE",
    "INSURANCE_TAXONOMIES",
    "LANGUAGES",
    "LOCATIONS",
    "ORGANIZATIONS",
    "PHONES",
    "SCHEDULES",
    "SERVICES",
    "SERVICE_AT_LOCATION",
    "TABLES",
    "TABLES_BY_RESOURCE",
    "TAXONOMY_TERMS",
    "Column",
    "ExportResult",
    "HSDSImportError",
    "ImportResult",
    "Table",
    "category_code_for_term",
    "datapackage_descriptor",
    "directory_export",
    "directory_export_archive",
    "directory_import",
    "format_value",
    "hours_text",
    "parse_value",
    "refresh_derived",
    "service_edited",
]
