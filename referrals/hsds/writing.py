"""Writing checked rows into the directory's models: ``directory_import`` and what it derives."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from carecoord.text import match_words

from ..eligibility import refresh_service_eligibility
from ..models import Location, Service, TaxonomyTerm
from .addresses import refresh_location_addresses
from .categories import INSURANCE_TAXONOMIES
from .modified import services_touched
from .reading import PackageReader
from .schema import TABLES, TABLES_BY_RESOURCE

OUTCOMES = ("created", "updated", "unchanged")


@dataclass
class ImportResult:
    """What an import did: rows created, updated and unchanged per file, and what it warned and noted."""

    counts: dict = field(default_factory=dict)  # file name -> {"created": n, "updated": n, "unchanged": n}
    warnings: list = field(default_factory=list)  # Findings
    notes: list = field(default_factory=list)
    files: dict = field(default_factory=dict)  # file name -> the name the package gives it, in import order

    @property
    def changed(self):
        return any(count["created"] or count["updated"] for count in self.counts.values())

    def add(self, path, outcome):
        self.counts.setdefault(path, dict.fromkeys(OUTCOMES, 0))[outcome] += 1

    def warning_summary(self):
        """(file, field, number of warnings), in the order the warnings came."""
        counted = Counter((warning.source, warning.column) for warning in self.warnings)
        return [(source, column, count) for (source, column), count in counted.items()]

    def lines(self):
        """The report the import command prints: notes, warnings, one line per file, the warnings' summary."""
        lines = [f"Note: {note}" for note in self.notes]
        lines += [f"Warning: {warning}" for warning in self.warnings]
        for path, name in self.files.items():
            created, updated, unchanged = (self.counts[path][outcome] for outcome in OUTCOMES)
            lines.append(f"{name}: {created} created, {updated} updated, {unchanged} unchanged")
        summary = self.warning_summary()
        if summary:
            lines.append(f"Warnings: {len(self.warnings)}, imported as the warnings say:")
            for source, column, count in summary:
                lines.append(f"  {source}, field '{column}': {count}")
        return lines


class _Writer:
    def __init__(self, result):
        self.result = result
        self.pks = {}
        self.changed = {}  # resource -> primary keys created or updated

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

    def write(self, table, path, rows):
        """Create or update each row by HSDS id; self-references are set once every row exists."""
        self.result.counts.setdefault(path, dict.fromkeys(OUTCOMES, 0))
        deferred = {column.name for column in table.columns if column.ref == table.resource}
        derive = table.derived_values(self) if table.derived_values else None
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
        changed = self.changed.setdefault(table.resource, set())
        for row in rows:
            self.result.add(path, outcomes[row.id])
            if outcomes[row.id] != "unchanged":
                changed.add(instances[row.id].pk)


def refresh_derived(services=None):
    """Recompute what the import derives (for ``services``, or all): categories, insurance, areas
    served, search words; then every location's address and hours."""
    terms = {term.pk: term for term in TaxonomyTerm.objects.all()}
    services = (Service.objects.all() if services is None else services).select_related("organization")
    services = services.prefetch_related("categories", "attributes", "service_areas", "cost_options")
    for service in services:
        refresh_service_eligibility(service)
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
    refresh_location_addresses()
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


def now_to_the_millisecond():
    moment = timezone.now()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def write_rows(reader, present, rows):
    """Write checked rows (resource -> rows) in table order and derive what the directory derives.

    Every service that changed, or whose organization, locations, phones,
    schedules... changed, gets ``last_modified`` set to now, unless its own row
    moved it to another value. Call inside a transaction, after ``reader`` found
    nothing that refuses the rows.
    """
    result = ImportResult(warnings=reader.warnings, notes=reader.notes)
    writer = _Writer(result)
    given = {
        row.id: row.values["last_modified"]
        for row in rows.get("service", [])
        if row.values.get("last_modified") is not None
    }
    kept = dict(Service.objects.filter(hsds_id__in=given).values_list("hsds_id", "last_modified"))
    # A publisher who moved a service's last_modified said when it changed; one who left it as it
    # was (or gave none) did not, and the import says it: now.
    dated = {hsds_id for hsds_id, moment in given.items() if kept.get(hsds_id) != moment}
    for table in TABLES:
        if table.resource in present:
            result.files[table.path] = present[table.resource]
            writer.write(table, table.path, rows[table.resource])
    touched = services_touched(writer.changed)
    if touched:
        stamp = now_to_the_millisecond()
        Service.objects.filter(pk__in=touched).exclude(hsds_id__in=dated).update(last_modified=stamp)
    refresh_derived()
    return result


@transaction.atomic
def directory_import(*, directory, strict=False):
    """Import an HSDS 3.0 tabular data package by HSDS id: all of it, or on any error none of it.

    An optional value that cannot be used is imported as empty with a warning;
    with ``strict`` every warning refuses the package instead.
    """
    reader = PackageReader(strict=strict)
    present, raw = reader.read_directory(directory)
    rows = reader.parse_tables(raw)
    if not reader.problems:
        reader.check_references(rows)
        reader.check_formulas(rows)
    reader.refuse_if_problems()
    return write_rows(reader, present, rows)


@transaction.atomic
def service_edited(*, service):
    """A service edited by hand (the admin): its derived search fields again, and last_modified now."""
    refresh_derived(Service.objects.filter(pk=service.pk))
    Service.objects.filter(pk=service.pk).update(last_modified=now_to_the_millisecond())
