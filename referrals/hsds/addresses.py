"""A location's address as the directory shows and searches it: derived from its addresses (addresses.csv)."""

from ..models import Address, Location
from ..models.directory import ADDRESS_FIELDS


def refresh_location_addresses():
    """Each location shows its physical address, else its first; a location with none keeps what it has."""
    chosen = {}
    for address in Address.objects.exclude(location=None).order_by("pk"):
        previous = chosen.get(address.location_id)
        if previous is None or (
            address.address_type == Location.Type.PHYSICAL and previous.address_type != Location.Type.PHYSICAL
        ):
            chosen[address.location_id] = address
    locations = Location.objects.in_bulk(list(chosen))
    for pk, address in chosen.items():
        location = locations[pk]
        values = {name: getattr(address, name) for name in ADDRESS_FIELDS}
        if any(getattr(location, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(location, name, value)
            location.save(update_fields=list(ADDRESS_FIELDS))
