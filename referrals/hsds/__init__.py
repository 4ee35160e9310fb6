"""A region's service directory in and out as an Open Referral HSDS 3.0 tabular data package.

The package is a folder of CSV files (organizations.csv, services.csv, ...) and,
optionally, the datapackage.json that describes them. ``directory_import`` reads
all of it, checks all of it, and only then writes, in one transaction: any error
(a missing required value, a broken required reference, a bad date or number, a
duplicate id, a file that is not UTF-8) refuses the whole package and saves
nothing. An optional reference that points at nothing is imported as empty with
a warning. ``directory_export`` writes the same format back. Neither prints: each
returns a result whose ``lines()`` the management commands print.

- schema.py: the tables, their columns and hooks, and the datapackage.json the export writes;
- categories.py: taxonomy terms mapped onto the case side's service categories;
- reading.py: reading and checking a package;
- writing.py: writing its rows into the models, and ``directory_import``;
- addresses.py: addresses, which are kept on Location;
- export.py: ``directory_export``;
- spec/: the specification's own datapackage.json, which the tests validate the export against.
"""

from .categories import CATEGORY_NAMES, INSURANCE_TAXONOMIES, category_code_for_term
from .export import ExportResult, directory_export, format_value
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
from .writing import ImportResult, directory_import, hours_text, refresh_derived

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
    "directory_import",
    "format_value",
    "hours_text",
    "parse_value",
    "refresh_derived",
]
