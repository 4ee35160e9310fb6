"""Writing a checked package into the directory's models: ``directory_import`` and what it derives."""

from dataclasses import dataclass, field

from django.db import transaction

from carecoord.text import match_words

from ..models import Location, Service, TaxonomyTerm
from .categories import INSURANCE_TAXONOMIES
from .reading import HSDSImportError, PackageReader
from .schema import TABLES, TABLES_BY_RESOURCE

OUTCOMES = ("created", "updated", "unchanged")


@dataclass
class ImportResult:
    """What an import did: rows created, updated and unchanged per file, and what it warned and noted."""

    counts: dict = field(default_factory=dict)  # file name -> {"created": n, "updated": n, "unchanged": n}
    warnings: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    files: dict = field(default_factory=dict)  # file name -> the name the package gives it, in import order

    @property
    def changed(self):
        return any(count["created"] or count["updated"] for count in self.counts.values())

    def add(self, path, outcome):
        self.counts.setdefault(path, dict.fromkeys(OUTCOMES, 0))[outcome] += 1

    def lines(self):
        """The report the import command prints: notes, warnings, then one line per file."""
        lines = [f"Note: {note}" for note in self.notes]
        lines += [f"Warning: {warning}" for warning in self.warnings]
        for path, name in self.files.items():
            created, updated, unchanged = (self.counts[path][outcome] for outcome in OUTCOMES)
            lines.append(f"{name}: {created} created, {updated} updated, {unchanged} unchanged")
        return lines


class _Writer:
    def __init__(self, result):
        self.result = result
        self.pks = {}

    def pk_map(self, resource):
        table = TABLES_BY_RESOURCE[resource]
        return dict(table.model.objects.values_list(table.id_field, "pk"))

    def field_values(self, table, row, *, leave_out=(), derive=None):
        """Model attribute values for a row; references become primary keys."""
        values = {}
        for column in table.kept_columns:
            if column.name == "id" or column.name in leave_out or column.name not in row.values:
                continue
            value = row.values[column.name]
            if column.ref:
                values[f"{column.field}_id"] = self.pks[column.ref].get(value) if value else None
            else:
                values[column.field] = value
        if derive:
            values.update(derive(row.values))
        return values

    def write(self, table, rows):
        self.result.counts.setdefault(table.path, dict.fromkeys(OUTCOMES, 0))
        if table.write:
            table.write(self, table, rows)
        else:
            self.upsert(table, rows)

    def upsert(self, table, rows):
        """Create or update each row by HSDS id; self-references are set once every row exists."""
        deferred = {column.name for column in table.columns if column.ref == table.resource}
        derive = table.derived_values() if table.derived_values else None
        self.pks = {column.ref: self.pk_map(column.ref) for column in table.columns if column.ref}
        existing = table.model.objects.in_bulk([row.id for row in rows], field_name=table.id_field)
        outcomes, instances = {}, {}
        for row in rows:
            values = self.field_values(table, row, leave_out=deferred, derive=derive)
            instance = existing.get(row.id)
            if instance is None:
                instance = table.model(**{table.id_field: row.id}, **values)
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
def directory_import(*, directory):
    """Import an HSDS 3.0 tabular data package by HSDS id: all of it, or on any error none of it."""
    reader = PackageReader(directory)
    present, rows = reader.read()
    if not reader.problems:
        reader.check_references(rows)
    if reader.problems:
        raise HSDSImportError(reader.problems)
    reader.check_formulas(present, rows)
    result = ImportResult(warnings=reader.warnings, notes=reader.notes)
    writer = _Writer(result)
    for table in TABLES:
        if table.resource in present:
            result.files[table.path] = present[table.resource]
            writer.write(table, rows[table.resource])
    refresh_derived()
    return result
