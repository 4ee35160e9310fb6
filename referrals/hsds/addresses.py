"""addresses.csv is kept on Location: the address table's ``write`` and ``export_source`` hooks."""

from ..models import Location


def write_addresses(writer, table, rows):
    """Each location keeps one address: its physical one, else the first given."""
    locations = writer.pk_map("location")
    chosen = {}
    for row in rows:
        target = row.values["location_id"]
        if not target:
            writer.result.notes.append(f"{table.path} row {row.number}: skipped, it names no location.")
            continue
        previous = chosen.get(target)
        if previous is None or (
            row.values["address_type"] == Location.Type.PHYSICAL
            and previous.values["address_type"] != Location.Type.PHYSICAL
        ):
            if previous is not None:
                _one_address_note(writer, table, previous, target)
            chosen[target] = row
        else:
            _one_address_note(writer, table, row, target)
    by_pk = Location.objects.in_bulk([locations[target] for target in chosen])
    holders = dict(Location.objects.exclude(address_hsds_id="").values_list("address_hsds_id", "pk"))
    for target, row in chosen.items():
        location = by_pk[locations[target]]
        values = {"address_hsds_id": row.id, **writer.field_values(table, row, leave_out={"location_id"})}
        holder = holders.get(row.id)
        if holder not in (None, location.pk):
            # The address moved to another location: the old one gives it up first.
            Location.objects.filter(pk=holder).update(**{name: "" for name in values})
        if all(getattr(location, name) == value for name, value in values.items()):
            outcome = "unchanged"
        else:
            outcome = "updated" if location.address_hsds_id == row.id else "created"
            for name, value in values.items():
                setattr(location, name, value)
            location.save()
        writer.result.add(table.path, outcome)


def _one_address_note(writer, table, row, target):
    writer.result.notes.append(
        f"{table.path} row {row.number}: skipped, location '{target}' keeps one address."
    )


def address_export_source(table):
    """The addresses locations keep, each naming its location by the location's own HSDS id."""
    lookups = {column.name: column.field for column in table.kept_columns}
    lookups["location_id"] = "hsds_id"
    return Location.objects.exclude(address_hsds_id="").order_by("pk"), lookups
