"""The community service directory, shaped after Open Referral HSDS 3.0.

Every record keeps the identifier it has in the region's HSDS data package
(``hsds_id``), so importing the same package again updates rows instead of
duplicating them, and a random UUID for URLs. Fields marked "derived" are
recomputed by the import from other rows and are not read from any CSV column.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carecoord.models import UUIDModel
from carecoord.text import search_key

from ..querysets import ServiceQuerySet

HSDS_ID_LENGTH = 250
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_LABELS = {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat", "SU": "Sun"}


def hsds_id_field():
    return models.CharField(_("HSDS id"), max_length=HSDS_ID_LENGTH, unique=True)


def optional(model, related_name, verbose_name, on_delete=models.CASCADE):
    """An optional link of an HSDS record to another (phones, languages, contacts... hang on several)."""
    return models.ForeignKey(
        model,
        verbose_name=verbose_name,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
    )


class Taxonomy(UUIDModel):
    """A taxonomy the directory's terms are taken from (taxonomies.csv)."""

    hsds_id = hsds_id_field()
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"))
    uri = models.CharField(_("URI"), max_length=500, blank=True)
    version = models.CharField(_("version"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TaxonomyTerm(UUIDModel):
    """A term of a taxonomy the directory's services are classified with."""

    hsds_id = hsds_id_field()
    code = models.CharField(_("code"), max_length=120, blank=True)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent term"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    taxonomy = models.CharField(_("taxonomy"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=20, blank=True)
    taxonomy_detail = optional(Taxonomy, "terms", _("taxonomy"), on_delete=models.SET_NULL)
    term_uri = models.CharField(_("term URI"), max_length=500, blank=True)
    # Derived: the service category this term maps to (see referrals.hsds.CATEGORY_NAMES).
    category = models.ForeignKey(
        "cases.ServiceCategory",
        verbose_name=_("service category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="taxonomy_terms",
    )

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy", "name"]

    def __str__(self):
        return self.name


class Organization(UUIDModel):
    """An organization that delivers services."""

    hsds_id = hsds_id_field()
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description = models.TextField(_("description"))
    email = models.EmailField(_("email"), max_length=254, blank=True)
    website = models.CharField(_("website"), max_length=500, blank=True)
    tax_status = models.CharField(_("tax status"), max_length=120, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=120, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(_("year incorporated"), null=True, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=300, blank=True)
    logo = models.CharField(_("logo"), max_length=500, blank=True)
    uri = models.CharField(_("URI"), max_length=500, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name


class OrganizationIdentifier(UUIDModel):
    """A third-party identifier of an organization: a registration, charity or tax number."""

    hsds_id = hsds_id_field()
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="identifiers"
    )
    identifier_scheme = models.CharField(_("identifier scheme"), max_length=120, blank=True)
    identifier_type = models.CharField(_("identifier type"), max_length=300)
    identifier = models.CharField(_("identifier"), max_length=300)

    class Meta:
        verbose_name = _("organization identifier")
        verbose_name_plural = _("organization identifiers")
        ordering = ["id"]

    def __str__(self):
        return f"{self.identifier_type}: {self.identifier}"


class Program(UUIDModel):
    """A collection of related services of one organization."""

    hsds_id = hsds_id_field()
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Location(UUIDModel):
    """A place where services are delivered, with its address and opening hours."""

    class Type(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    hsds_id = hsds_id_field()
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="locations",
    )
    location_type = models.CharField(_("location type"), max_length=20, choices=Type, default=Type.PHYSICAL)
    name = models.CharField(_("name"), max_length=300, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("transportation"), blank=True)
    url = models.CharField(_("web address"), max_length=500, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    external_identifier = models.CharField(_("external identifier"), max_length=300, blank=True)
    external_identifier_type = models.CharField(_("external identifier type"), max_length=120, blank=True)
    # Derived from the location's addresses (Address): the one shown and searched, its physical one first.
    address_type = models.CharField(_("address type"), max_length=20, choices=Type, blank=True)
    address_1 = models.CharField(_("address"), max_length=300, blank=True)
    address_2 = models.CharField(_("address (line 2)"), max_length=300, blank=True)
    city = models.CharField(_("town"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    state_province = models.CharField(_("state"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    # Derived from the location's schedules.
    hours = models.TextField(_("opening hours"), blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["city", "name"]
        indexes = [models.Index(fields=["city"]), models.Index(fields=["postal_code"])]

    def __str__(self):
        return self.name or self.address_1 or self.hsds_id

    @property
    def address_lines(self):
        town = " ".join(part for part in (self.city, self.state_province, self.postal_code) if part)
        return [line for line in (self.address_1, self.address_2, town) if line]


ADDRESS_FIELDS = (
    "address_type",
    "address_1",
    "address_2",
    "city",
    "region",
    "state_province",
    "postal_code",
    "country",
)


class Address(UUIDModel):
    """An address of a location (addresses.csv); the location shows its physical one first."""

    hsds_id = hsds_id_field()
    location = optional(Location, "addresses", _("location"))
    attention = models.CharField(_("attention"), max_length=300, blank=True)
    address_1 = models.CharField(_("address"), max_length=300)
    address_2 = models.CharField(_("address (line 2)"), max_length=300, blank=True)
    city = models.CharField(_("town"), max_length=120)
    region = models.CharField(_("region"), max_length=120, blank=True)
    state_province = models.CharField(_("state"), max_length=120)
    postal_code = models.CharField(_("postal code"), max_length=20)
    country = models.CharField(_("country"), max_length=2)
    address_type = models.CharField(_("address type"), max_length=20, choices=Location.Type)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["id"]

    def __str__(self):
        return f"{self.address_1}, {self.city}"


class Accessibility(UUIDModel):
    """What makes a location accessible to people with disabilities: step-free access, hearing loops..."""

    hsds_id = hsds_id_field()
    location = optional(Location, "accessibility", _("location"))
    description = models.TextField(_("description"), blank=True)
    details = models.TextField(_("details"), blank=True)
    url = models.CharField(_("web address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("accessibility")
        verbose_name_plural = _("accessibility")
        ordering = ["id"]

    def __str__(self):
        return self.description or self.hsds_id


class Service(UUIDModel):
    """A service an organization provides: who it is for, what it costs, how to get it."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    LISTED = (Status.ACTIVE, Status.TEMPORARILY_CLOSED)

    hsds_id = hsds_id_field()
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="services"
    )
    program = optional(Program, "services", _("program"), on_delete=models.SET_NULL)
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.CharField(_("web address"), max_length=500, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.ACTIVE)
    interpretation_services = models.TextField(_("interpretation services"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    wait_time = models.TextField(_("wait time"), blank=True)
    fees = models.TextField(_("fees (deprecated field)"), blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    eligibility_description = models.TextField(_("eligibility"), blank=True)
    minimum_age = models.DecimalField(_("minimum age"), max_digits=5, decimal_places=2, null=True, blank=True)
    maximum_age = models.DecimalField(_("maximum age"), max_digits=5, decimal_places=2, null=True, blank=True)
    assured_date = models.DateField(_("information last checked"), null=True, blank=True)
    assurer_email = models.EmailField(_("checked by (email)"), max_length=254, blank=True)
    licenses = models.TextField(_("licenses"), blank=True)
    alert = models.TextField(_("alert"), blank=True)
    # When the service or anything about it last changed: as the package gives it, or, when it
    # gives none, when an import or an edit here last changed it (the HSDS API's modified_after).
    last_modified = models.DateTimeField(_("last modified"), null=True, blank=True)
    # Derived from attributes.csv: taxonomy terms mapped onto the case side's categories,
    # and the terms of an insurance taxonomy.
    categories = models.ManyToManyField(
        "cases.ServiceCategory", verbose_name=_("categories"), related_name="services", blank=True
    )
    insurance_accepted = models.CharField(_("insurance accepted"), max_length=500, blank=True)
    # Derived from service_areas.csv: the towns served (the areas' names) and postcodes served (the
    # five-digit codes of text extents), each between "|" so a search matches whole ones; empty when
    # the service lists no area (then it is not restricted).
    served_towns = models.TextField(_("towns served"), blank=True, editable=False)
    served_postcodes = models.TextField(_("postcodes served"), blank=True, editable=False)
    # Derived: a cost option of 0, or fees described as free ("free", "no cost", "no charge", "sin costo").
    has_free_option = models.BooleanField(_("free for some families"), default=False, editable=False)
    # Derived: lower-case, accent-free words the free-text search matches.
    search_text = models.TextField(blank=True, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["minimum_age", "maximum_age"]),
            models.Index(fields=["last_modified"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_minimum_age_not_above_maximum",
            ),
        ]

    def __str__(self):
        return self.name

    def build_search_text(self):
        """The words free-text search matches: names, organization, description, eligibility."""
        return search_key(
            self.name,
            self.alternate_name,
            self.organization.name,
            self.description,
            self.eligibility_description,
        )


class ServiceAtLocation(UUIDModel):
    """A service delivered at a location."""

    hsds_id = hsds_id_field()
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")
        ordering = ["id"]
        indexes = [models.Index(fields=["location", "service"])]

    def __str__(self):
        return f"{self.service} @ {self.location}"


class Contact(UUIDModel):
    """A named person to contact at an organization, a service, a location or a service at a location."""

    hsds_id = hsds_id_field()
    organization = optional(Organization, "contacts", _("organization"))
    service = optional("Service", "contacts", _("service"))
    service_at_location = optional(ServiceAtLocation, "contacts", _("service at location"))
    location = optional(Location, "contacts", _("location"))
    name = models.CharField(_("name"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    department = models.CharField(_("department"), max_length=300, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["id"]

    def __str__(self):
        return self.name or self.department or self.email or self.hsds_id


class Phone(UUIDModel):
    """A phone number of an organization, a service, a location or a service at a location."""

    hsds_id = hsds_id_field()
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        verbose_name=_("service at location"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
    )
    contact = optional(Contact, "phones", _("contact"))
    number = models.CharField(_("number"), max_length=60)
    extension = models.PositiveIntegerField(_("extension"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["id"]

    def __str__(self):
        return f"{self.number} x{self.extension}" if self.extension else self.number


class Language(UUIDModel):
    """A language a service, a location or a phone line is delivered in (codes stored lower-case)."""

    hsds_id = hsds_id_field()
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="languages",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="languages",
    )
    phone = models.ForeignKey(
        Phone,
        verbose_name=_("phone"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="languages",
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    code = models.CharField(_("code"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["id"]
        indexes = [models.Index(fields=["code"]), models.Index(fields=["name"])]

    def __str__(self):
        return self.name or self.code


class Schedule(UUIDModel):
    """When a service or a location is open (a simplified RFC 5545 recurrence)."""

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", _("Weekly")
        MONTHLY = "MONTHLY", _("Monthly")

    hsds_id = hsds_id_field()
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        verbose_name=_("service at location"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    dtstart = models.DateField(_("first occurrence"), null=True, blank=True)
    timezone = models.DecimalField(
        _("UTC offset (hours)"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    until = models.DateField(_("last occurrence"), null=True, blank=True)
    count = models.PositiveIntegerField(_("occurrences"), null=True, blank=True)
    wkst = models.CharField(_("week starts on"), max_length=2, blank=True)
    freq = models.CharField(_("frequency"), max_length=10, choices=Frequency, blank=True)
    interval = models.PositiveSmallIntegerField(_("interval"), null=True, blank=True)
    byday = models.CharField(_("days"), max_length=100, blank=True)
    byweekno = models.CharField(_("weeks of the year"), max_length=300, blank=True)
    bymonthday = models.CharField(_("days of the month"), max_length=100, blank=True)
    byyearday = models.CharField(_("days of the year"), max_length=300, blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    schedule_link = models.CharField(_("schedule link"), max_length=500, blank=True)
    attending_type = models.CharField(_("how to attend"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["id"]

    def __str__(self):
        return self.summary or self.hsds_id

    @property
    def days(self):
        """MO,TU,WE,TH,FR → "Mon–Fri"; TU,TH → "Tue, Thu"; ordinals (2MO) are shown as given."""
        days = [day for day in self.byday.split(",") if day]
        if not days or any(day not in DAY_LABELS for day in days):
            return self.byday
        indexes = sorted({DAYS.index(day) for day in days})
        parts, start = [], indexes[0]
        for previous, current in zip(indexes, [*indexes[1:], None], strict=True):
            if current == previous + 1:
                continue
            if previous - start >= 2:
                parts.append(f"{DAY_LABELS[DAYS[start]]}–{DAY_LABELS[DAYS[previous]]}")
            else:
                parts.extend(DAY_LABELS[DAYS[index]] for index in range(start, previous + 1))
            start = current
        return ", ".join(parts)

    @property
    def summary(self):
        """ "Mon–Fri 08:00–17:00"; without opening times, the schedule's own description."""
        if not (self.opens_at and self.closes_at):
            return self.description or self.days
        text = f"{self.days} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}".strip()
        return f"Monthly: {text}" if self.freq == self.Frequency.MONTHLY else text


class Attribute(UUIDModel):
    """A taxonomy term attached to any record (``link_entity`` names its table, ``link_id`` its HSDS id).

    Attached to a service, it gives the service its categories and the insurance it accepts;
    ``service`` is then derived from ``link_id``.
    """

    hsds_id = hsds_id_field()
    link_id = models.CharField(_("linked record's HSDS id"), max_length=HSDS_ID_LENGTH)
    link_entity = models.CharField(_("linked record's table"), max_length=60)
    # Derived: the service, when link_entity is "service".
    service = optional("Service", "attributes", _("service"))
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, verbose_name=_("taxonomy term"), on_delete=models.CASCADE, related_name="attributes"
    )
    link_type = models.CharField(_("link type"), max_length=120, blank=True)
    value = models.TextField(_("value"), blank=True)
    label = models.CharField(_("label"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["id"]
        indexes = [models.Index(fields=["link_entity", "link_id"])]

    def __str__(self):
        return f"{self.link_entity} {self.link_id}: {self.taxonomy_term}"


class Funding(UUIDModel):
    """A source of funds of an organization or a service."""

    hsds_id = hsds_id_field()
    organization = optional(Organization, "funding", _("organization"))
    service = optional(Service, "funding", _("service"))
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        ordering = ["id"]

    def __str__(self):
        return self.source or self.hsds_id


class ServiceArea(UUIDModel):
    """Where a service is available: a town, a county, postcodes, or a drawn area (extent)."""

    hsds_id = hsds_id_field()
    service = optional(Service, "service_areas", _("service"))
    name = models.TextField(_("name"), blank=True)
    description = models.TextField(_("description"), blank=True)
    extent = models.TextField(_("extent"), blank=True)
    extent_type = models.CharField(_("extent type"), max_length=60, blank=True)
    uri = models.CharField(_("URI"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        ordering = ["id"]

    def __str__(self):
        return self.name or self.hsds_id


class RequiredDocument(UUIDModel):
    """A document a family must bring or send to apply for or receive a service."""

    hsds_id = hsds_id_field()
    service = optional(Service, "required_documents", _("service"))
    document = models.TextField(_("document"), blank=True)
    uri = models.CharField(_("web address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["id"]

    def __str__(self):
        return self.document or self.hsds_id


class CostOption(UUIDModel):
    """What a service costs, for whom and when: a structured fee."""

    hsds_id = hsds_id_field()
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="cost_options"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    option = models.TextField(_("option"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=4, null=True, blank=True)
    amount_description = models.TextField(_("amount description"), blank=True)

    class Meta:
        verbose_name = _("cost option")
        verbose_name_plural = _("cost options")
        ordering = ["id"]

    def __str__(self):
        return self.option or self.amount_description or self.hsds_id


class Metadata(UUIDModel):
    """A recorded change of a directory record's field, kept as the package gives it (provenance)."""

    hsds_id = hsds_id_field()
    resource_id = models.CharField(_("record's HSDS id"), max_length=HSDS_ID_LENGTH)
    resource_type = models.CharField(_("record's table"), max_length=60)
    last_action_date = models.DateField(_("date of the change"))
    last_action_type = models.CharField(_("kind of change"), max_length=120)
    field_name = models.CharField(_("field"), max_length=120)
    previous_value = models.TextField(_("previous value"))
    replacement_value = models.TextField(_("new value"))
    updated_by = models.CharField(_("changed by"), max_length=300)

    class Meta:
        verbose_name = _("metadata")
        verbose_name_plural = _("metadata")
        ordering = ["id"]
        indexes = [models.Index(fields=["resource_type", "resource_id"])]

    def __str__(self):
        return f"{self.resource_type} {self.resource_id}: {self.field_name}"


class MetaTableDescription(UUIDModel):
    """A description of the package's tables: their language and character set."""

    hsds_id = hsds_id_field()
    name = models.CharField(_("name"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=20, blank=True)
    character_set = models.CharField(_("character set"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("table description")
        verbose_name_plural = _("table descriptions")
        ordering = ["id"]

    def __str__(self):
        return self.name or self.hsds_id


class HSDSSource(UUIDModel):
    """Another directory's HSDS 3.0 API this one imports from, and how far the last import got."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    url = models.CharField(_("API address"), max_length=500, unique=True)
    # Sent as "Authorization: Bearer …" when the source asks for one.
    token = models.CharField(_("API token"), max_length=500, blank=True)
    active = models.BooleanField(_("imported periodically"), default=True)
    # The newest last_modified the source gave: the next import asks for what changed since.
    modified_after = models.DateTimeField(_("changes since"), null=True, blank=True)
    last_pulled_at = models.DateTimeField(_("last imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("HSDS source")
        verbose_name_plural = _("HSDS sources")
        ordering = ["name", "url"]

    def __str__(self):
        return self.name or self.url
