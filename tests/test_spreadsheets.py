"""Cells a spreadsheet would run as formulas are written as text; numbers and phone numbers stay so."""

import csv
import io

import pytest

from carecoord.spreadsheets import SafeDictWriter, SafeWriter, is_formula, safe_cell


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","Click")',
        "+SUM(A1:A2)",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1,2)",
        "\t=1+1",
        "\r=1+1",
        "=1+1",
    ],
)
def test_a_formula_is_written_as_text(value):
    assert safe_cell(value) == "'" + value
    assert is_formula(value)


@pytest.mark.parametrize(
    "value", ["-73.985", "+1 (555) 000-1234", "-5", "Hernández household", "", "2026-12-01", "a=b"]
)
def test_numbers_phone_numbers_and_words_are_unchanged(value):
    assert safe_cell(value) == value
    assert not is_formula(value)


def test_values_that_are_not_text_are_unchanged():
    assert safe_cell(3) == 3
    assert safe_cell(None) is None


def test_the_writers_neutralise_every_cell():
    handle = io.StringIO()
    SafeWriter(handle).writerows([["=1+1", "ok"], ["@x", "-1"]])
    assert list(csv.reader(io.StringIO(handle.getvalue()))) == [["'=1+1", "ok"], ["'@x", "-1"]]

    handle = io.StringIO()
    writer = SafeDictWriter(handle, fieldnames=["name"])
    writer.writeheader()
    writer.writerow({"name": "=HYPERLINK(1)"})
    assert handle.getvalue().splitlines() == ["name", "'=HYPERLINK(1)"]


@pytest.mark.django_db
def test_the_directory_export_writes_a_formula_named_organization_as_text(tmp_path):
    from referrals.hsds import directory_export
    from tests.referrals.factories import ServiceFactory

    service = ServiceFactory(organization__name='=HYPERLINK("http://evil.example")')
    directory_export(directory=tmp_path)
    with (tmp_path / "organizations.csv").open(encoding="utf-8", newline="") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    assert names == ["'" + service.organization.name]
