"""Generated damage to an HSDS package: the import takes all of it or, with a clear error, none of it.

A small package cut from the sample directory is imported once; each example
then damages a copy of it (a cell replaced by odd text, a NUL byte, a very long
value, a number or date out of range; a column dropped; a row repeated; bytes
that are not UTF-8; a row longer than the header; a file emptied; a
datapackage.json that names other files or is no JSON at all) and imports
it again with ``manage.py import_hsds``. The command either imports it or
refuses it with its error (CommandError); a refused package changes no row of
the directory, and nothing imported may be longer than its column or hold a
NUL byte: PostgreSQL refuses both, and ``inputs`` makes SQLite refuse them too.
"""

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referrals.demo import SAMPLE_DIRECTORY
from referrals.models import (
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
from tests.database import rolled_back

from .inputs import odd_text, too_long, watched

pytestmark = pytest.mark.django_db

DIRECTORY = (
    Organization,
    Service,
    Location,
    ServiceAtLocation,
    Phone,
    Language,
    Schedule,
    TaxonomyTerm,
    Attribute,
)


def read(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write(path, records):
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(records)


def small_package():
    """The sample's first organization with its services, locations and what hangs on them: every table,
    a few rows each, every reference kept."""
    tables = {path.name: read(path) for path in sorted(SAMPLE_DIRECTORY.glob("*.csv"))}

    def rows(name, **wanted):
        header, *body = tables[name]
        columns = {column: header.index(column) for column in wanted}
        return [
            row
            for row in body
            if any(row[columns[column]] in ids for column, ids in wanted.items() if row[columns[column]])
        ]

    organization = tables["organizations.csv"][1][0]
    services = {row[0] for row in rows("services.csv", organization_id={organization})}
    locations = {row[0] for row in rows("locations.csv", organization_id={organization})}
    kept = {
        "organizations.csv": rows("organizations.csv", id={organization}),
        "services.csv": rows("services.csv", id=services),
        "locations.csv": rows("locations.csv", id=locations),
        "addresses.csv": rows("addresses.csv", location_id=locations),
        "service_at_location.csv": [
            row
            for row in rows("service_at_location.csv", service_id=services)
            if row in rows("service_at_location.csv", location_id=locations)
        ],
        "phones.csv": rows("phones.csv", service_id=services, location_id=locations),
        "languages.csv": rows("languages.csv", service_id=services),
        "schedules.csv": rows("schedules.csv", service_id=services, location_id=locations),
        "attributes.csv": rows("attributes.csv", link_id=services),
        "taxonomy_terms.csv": tables["taxonomy_terms.csv"][1:],
    }
    return {name: [tables[name][0], *body] for name, body in kept.items()}


PACKAGE = small_package()


def save(package, folder):
    for name, records in package.items():
        write(folder / name, records)


# Damage, as a list of steps applied to a copy of the package's records (or, last, its bytes).


def descriptor():
    """A datapackage.json naming the tables' files, or not quite."""
    resource = st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(st.sampled_from(["organization", "service", "phone"]), odd_text()),
            "path": st.one_of(st.sampled_from(sorted(PACKAGE)), odd_text()),
        },
    )
    document = st.one_of(
        st.fixed_dictionaries({"resources": st.lists(resource, max_size=3)}),
        st.lists(resource, max_size=2),
        odd_text(),
    )
    return document.map(lambda value: json.dumps(value) if not isinstance(value, str) else value)


@st.composite
def damage(draw):
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return ("datapackage.json", "descriptor", draw(descriptor()))
    name = draw(st.sampled_from(sorted(PACKAGE)))
    header = PACKAGE[name][0]
    rows = len(PACKAGE[name]) - 1
    kind = draw(st.sampled_from(["cell", "cell", "cell", "drop", "repeat", "long row", "empty", "bytes"]))
    if kind == "cell":
        row = draw(st.integers(min_value=1, max_value=max(rows, 1)))
        return (name, kind, row, draw(st.sampled_from(header)), draw(odd_text()))
    if kind == "drop":
        return (name, kind, draw(st.sampled_from(header)))
    if kind == "bytes":
        return (name, kind, draw(st.binary(min_size=1, max_size=8)), draw(st.integers(min_value=0)))
    return (name, kind)


def damaged(steps):
    package = {name: [list(record) for record in records] for name, records in PACKAGE.items()}
    raw = {}
    for step in steps:
        name, kind, *details = step
        if kind == "descriptor":
            raw[name] = details
            continue
        records = package[name]
        if not records:
            continue  # emptied by an earlier step
        if kind == "cell" and len(records) > 1:
            row, column, value = details
            if column in records[0]:
                records[min(row, len(records) - 1)][records[0].index(column)] = value
        elif kind == "drop" and details[0] in records[0]:
            index = records[0].index(details[0])
            package[name] = [record[:index] + record[index + 1 :] for record in records]
        elif kind == "repeat" and len(records) > 1:
            records.append(list(records[1]))
        elif kind == "long row" and len(records) > 1:
            records[1].extend(["surplus", "values"])
        elif kind == "empty":
            package[name] = []
        elif kind == "bytes":
            raw[name] = details
    return package, raw


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in DIRECTORY}


def import_package(folder):
    call_command("import_hsds", str(folder), stdout=io.StringIO())


@pytest.fixture
def imported(tmp_path):
    """The small package, imported: a bad package must leave it exactly as it is."""
    save(PACKAGE, tmp_path)
    import_package(tmp_path)
    return snapshot()


def test_the_small_package_imports_every_table(imported):
    assert all(imported[model.__name__] for model in DIRECTORY)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(damage(), min_size=1, max_size=3))
def test_a_damaged_package_is_imported_whole_or_refused_and_changes_nothing(imported, steps):
    package, raw = damaged(steps)
    with tempfile.TemporaryDirectory() as temporary, rolled_back():
        folder = Path(temporary)
        save(package, folder)
        for name, details in raw.items():
            if name == "datapackage.json":
                (folder / name).write_text(details[0], encoding="utf-8", errors="surrogatepass")
                continue
            garbage, position = details
            content = (folder / name).read_bytes()
            at = position % (len(content) + 1)
            (folder / name).write_bytes(content[:at] + garbage + content[at:])
        with watched() as watch:
            try:
                import_package(folder)
            except CommandError:
                assert snapshot() == imported, "a refused package changed the directory"
                return
        assert not too_long(watch.written)
