"""Which services an import touched: a service's ``last_modified`` covers everything nested in it."""

from django.db.models import Q

from ..models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Metadata,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)


def _values(model, pks, *fields):
    return model.objects.filter(pk__in=pks).values_list(*fields) if pks else []


def services_touched(changed):
    """The primary keys of the services that ``changed`` (resource -> changed primary keys) reaches."""
    if not any(changed.values()):
        return set()
    services = set(changed.get("service", ()))
    locations = set(changed.get("location", ()))
    organizations = set(changed.get("organization", ()))
    at_locations = set(changed.get("service_at_location", ()))
    locations.update(location for (location,) in _values(Address, changed.get("address"), "location"))
    locations.update(
        location for (location,) in _values(Accessibility, changed.get("accessibility"), "location")
    )
    phones = set(changed.get("phone", ()))
    for service, location, phone in _values(
        Language, changed.get("language"), "service", "location", "phone"
    ):
        services.add(service)
        locations.add(location)
        phones.add(phone)
    contacts = set(changed.get("contact", ()))
    for (contact,) in _values(Phone, phones, "contact"):
        contacts.add(contact)
    linked = ("service", "location", "service_at_location", "organization")
    for model, pks in ((Phone, phones), (Contact, contacts), (Schedule, changed.get("schedule"))):
        fields = linked if model is not Schedule else linked[:3]
        for values in _values(model, pks, *fields):
            services.add(values[0])
            locations.add(values[1])
            at_locations.add(values[2])
            if len(values) > 3:
                organizations.add(values[3])
    for model, resource in (
        (Funding, "funding"),
        (ServiceArea, "service_area"),
        (RequiredDocument, "required_document"),
        (CostOption, "cost_option"),
    ):
        services.update(service for (service,) in _values(model, changed.get(resource), "service"))
    for (organization,) in _values(Funding, changed.get("funding"), "organization"):
        organizations.add(organization)
    attributes = Attribute.objects.filter(
        Q(pk__in=changed.get("attribute", ())) | Q(taxonomy_term__in=changed.get("taxonomy_term", ()))
    )
    services.update(attributes.exclude(service=None).values_list("service", flat=True))
    described = Metadata.objects.filter(pk__in=changed.get("metadata", ()), resource_type="service")
    query = (
        Q(pk__in=services)
        | Q(hsds_id__in=described.values("resource_id"))
        | Q(program__in=changed.get("program", ()))
        | Q(organization__in=organizations - {None})
        | Q(
            pk__in=ServiceAtLocation.objects.filter(
                Q(pk__in=at_locations - {None}) | Q(location__in=locations - {None})
            ).values("service")
        )
    )
    return set(Service.objects.filter(query).values_list("pk", flat=True))
