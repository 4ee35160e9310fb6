import io

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from .hsds import directory_export_archive, service_edited
from .models import (
    Accessibility,
    Address,
    Appointment,
    Attribute,
    Contact,
    CostOption,
    Funding,
    HSDSSource,
    Language,
    Location,
    Metadata,
    MetaTableDescription,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    Referral,
    ReferralEvent,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

# A location's address as shown and searched is derived from its addresses (the inline below).
ADDRESS_SHOWN = [
    "address_type",
    "address_1",
    "address_2",
    "city",
    "region",
    "state_province",
    "postal_code",
    "country",
]


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0
    fields = ["hsds_id", "number", "extension", "type", "description"]


class LanguageInline(admin.TabularInline):
    model = Language
    extra = 0
    fields = ["hsds_id", "code", "name", "note"]


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    fields = ["hsds_id", "location", "description"]
    raw_id_fields = ["location"]


class AttributeInline(admin.TabularInline):
    model = Attribute
    extra = 0
    fields = ["hsds_id", "link_entity", "link_id", "taxonomy_term", "link_type", "value", "label"]
    raw_id_fields = ["taxonomy_term"]


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    fields = ["hsds_id", "name", "description", "extent_type", "extent", "uri"]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0
    fields = ["hsds_id", "document", "uri"]


class CostOptionInline(admin.TabularInline):
    model = CostOption
    extra = 0
    fields = ["hsds_id", "option", "amount", "currency", "amount_description", "valid_from", "valid_to"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["hsds_id", "name", "title", "department", "email"]


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    fields = ["hsds_id", "source"]


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = ["hsds_id", "address_type", "address_1", "address_2", "city", "state_province", "postal_code"]


class AccessibilityInline(admin.TabularInline):
    model = Accessibility
    extra = 0
    fields = ["hsds_id", "description", "details", "url"]


class OrganizationIdentifierInline(admin.TabularInline):
    model = OrganizationIdentifier
    extra = 0
    fields = ["hsds_id", "identifier_scheme", "identifier_type", "identifier"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "website", "parent"]
    search_fields = ["name", "alternate_name", "hsds_id", "email"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    readonly_fields = ["uuid"]
    raw_id_fields = ["parent"]
    inlines = [PhoneInline, ContactInline, OrganizationIdentifierInline, FundingInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "status", "minimum_age", "maximum_age", "insurance_accepted"]
    search_fields = ["name", "alternate_name", "hsds_id", "organization__name", "description"]
    list_filter = ["status", "categories", "languages__code"]
    list_select_related = ["organization"]
    readonly_fields = ["uuid", "insurance_accepted", "served_towns", "served_postcodes", "has_free_option"]
    raw_id_fields = ["organization", "program"]
    filter_horizontal = ["categories"]
    inlines = [
        ServiceAtLocationInline,
        ServiceAreaInline,
        RequiredDocumentInline,
        CostOptionInline,
        PhoneInline,
        ContactInline,
        LanguageInline,
        FundingInline,
        AttributeInline,
    ]

    def save_related(self, request, form, formsets, change):
        """After an edit of the service or its areas, costs, attributes...: derive what search reads."""
        super().save_related(request, form, formsets, change)
        service_edited(service=form.instance)

    def get_urls(self):
        download = self.admin_site.admin_view(self.export_hsds_view)
        return [path("export-hsds/", download, name="referrals_service_export_hsds"), *super().get_urls()]

    def export_hsds_view(self, request):
        """The whole directory as an HSDS 3.0 tabular data package, one zip file (administrators)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        stream = io.BytesIO()
        directory_export_archive(stream=stream)
        response = HttpResponse(stream.getvalue(), content_type="application/zip")
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="directory-hsds-3.0-{stamp}.zip"'
        return response


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "city", "location_type", "hours"]
    search_fields = ["name", "hsds_id", "address_1", "city", "postal_code", "organization__name"]
    list_filter = ["city", "location_type"]
    list_select_related = ["organization"]
    readonly_fields = ["uuid", "hours", *ADDRESS_SHOWN]
    raw_id_fields = ["organization"]
    inlines = [AddressInline, AccessibilityInline, PhoneInline, ContactInline, LanguageInline]


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["__str__", "location", "address_type", "postal_code"]
    search_fields = ["hsds_id", "address_1", "city", "postal_code", "location__name"]
    list_filter = ["address_type", "city"]
    list_select_related = ["location"]
    raw_id_fields = ["location"]
    readonly_fields = ["uuid"]


@admin.register(HSDSSource)
class HSDSSourceAdmin(admin.ModelAdmin):
    """Directories whose HSDS API ``import_hsds --from-api`` and the periodic task read."""

    list_display = ["__str__", "url", "active", "modified_after", "last_pulled_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    fields = ["name", "url", "token", "active", "modified_after", "last_pulled_at"]
    readonly_fields = ["last_pulled_at"]


@admin.register(Accessibility)
class AccessibilityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "location"]
    search_fields = ["hsds_id", "description", "details", "location__name"]
    list_select_related = ["location"]
    raw_id_fields = ["location"]
    readonly_fields = ["uuid"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "email", "service", "organization", "location"]
    search_fields = ["hsds_id", "name", "title", "department", "email", "service__name"]
    list_select_related = ["service", "organization", "location"]
    raw_id_fields = ["organization", "service", "service_at_location", "location"]
    readonly_fields = ["uuid"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "extent_type", "extent"]
    search_fields = ["hsds_id", "name", "extent", "service__name"]
    list_filter = ["extent_type"]
    list_select_related = ["service"]
    raw_id_fields = ["service"]
    readonly_fields = ["uuid"]


@admin.register(RequiredDocument)
class RequiredDocumentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service"]
    search_fields = ["hsds_id", "document", "service__name"]
    list_select_related = ["service"]
    raw_id_fields = ["service"]
    readonly_fields = ["uuid"]


@admin.register(CostOption)
class CostOptionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service", "amount", "currency", "amount_description"]
    search_fields = ["hsds_id", "option", "amount_description", "service__name"]
    list_select_related = ["service"]
    raw_id_fields = ["service"]
    readonly_fields = ["uuid"]


@admin.register(Funding)
class FundingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service", "organization"]
    search_fields = ["hsds_id", "source", "service__name", "organization__name"]
    list_select_related = ["service", "organization"]
    raw_id_fields = ["service", "organization"]
    readonly_fields = ["uuid"]


@admin.register(OrganizationIdentifier)
class OrganizationIdentifierAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "identifier_scheme"]
    search_fields = ["hsds_id", "identifier", "identifier_type", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    readonly_fields = ["uuid"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    search_fields = ["hsds_id", "name", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    readonly_fields = ["uuid"]


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "uri"]
    search_fields = ["hsds_id", "name"]
    readonly_fields = ["uuid"]


@admin.register(Metadata)
class MetadataAdmin(admin.ModelAdmin):
    list_display = ["resource_type", "resource_id", "field_name", "last_action_type", "last_action_date"]
    search_fields = ["hsds_id", "resource_id", "field_name", "updated_by"]
    list_filter = ["resource_type", "last_action_type"]
    readonly_fields = ["uuid"]


@admin.register(MetaTableDescription)
class MetaTableDescriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "character_set"]
    search_fields = ["hsds_id", "name"]
    readonly_fields = ["uuid"]


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(admin.ModelAdmin):
    list_display = ["service", "location"]
    search_fields = ["hsds_id", "service__name", "location__name", "location__city"]
    list_filter = ["location__city"]
    list_select_related = ["service", "location"]
    raw_id_fields = ["service", "location"]
    readonly_fields = ["uuid"]


@admin.register(Phone)
class PhoneAdmin(admin.ModelAdmin):
    list_display = ["number", "extension", "type", "organization", "service", "location"]
    search_fields = ["number", "hsds_id", "organization__name", "service__name"]
    list_filter = ["type"]
    list_select_related = ["organization", "service", "location"]
    raw_id_fields = ["organization", "service", "location", "service_at_location", "contact"]
    readonly_fields = ["uuid"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "service", "location"]
    search_fields = ["name", "code", "hsds_id", "service__name"]
    list_filter = ["code"]
    list_select_related = ["service", "location"]
    raw_id_fields = ["service", "location", "phone"]
    readonly_fields = ["uuid"]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service", "location", "byday", "opens_at", "closes_at"]
    search_fields = ["hsds_id", "description", "service__name", "location__name"]
    list_filter = ["freq"]
    list_select_related = ["service", "location"]
    raw_id_fields = ["service", "location", "service_at_location"]
    readonly_fields = ["uuid"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "taxonomy", "parent", "category"]
    search_fields = ["name", "code", "hsds_id", "taxonomy"]
    list_filter = ["taxonomy", "category"]
    list_select_related = ["parent", "category"]
    raw_id_fields = ["parent", "taxonomy_detail"]
    readonly_fields = ["uuid", "category"]


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["link_entity", "link_id", "service", "taxonomy_term", "link_type", "value"]
    search_fields = ["hsds_id", "link_id", "service__name", "taxonomy_term__name"]
    list_filter = ["link_entity", "link_type", "taxonomy_term__taxonomy"]
    list_select_related = ["service", "taxonomy_term"]
    raw_id_fields = ["service", "taxonomy_term"]
    readonly_fields = ["uuid"]


class ReferralEventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    fields = ["at", "from_status", "to_status", "actor", "actor_label", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # events are written by the referral services only


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = [
        "need",
        "service",
        "outside_provider",
        "status",
        "reason_code",
        "sent_to",
        "requested_at",
        "acknowledge_due",
        "completed_at",
    ]
    list_filter = ["status", "reason_code"]
    search_fields = ["case__family__name", "service__name", "outside_provider", "sent_to", "batch"]
    raw_id_fields = ["need", "case", "service"]
    readonly_fields = [
        "uuid",
        "version",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "status",
        "reason_code",
        "sent_to",
        "batch",
        "acknowledge_due",
        "outcome_due",
        "acknowledged_at",
        "requested_at",
        "accepted_at",
        "completed_at",
        "closed_at",
    ]
    inlines = [ReferralEventInline]


@admin.register(ReferralEvent)
class ReferralEventAdmin(admin.ModelAdmin):
    list_display = ["referral", "from_status", "to_status", "actor", "actor_label", "at"]
    list_filter = ["to_status"]
    search_fields = ["referral__case__family__name", "note", "actor_label"]
    raw_id_fields = ["referral", "actor"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["child", "provider", "start", "status", "transportation_arranged"]
    list_filter = ["status", "transportation_arranged", "proposed_by_organization"]
    search_fields = ["provider", "place", "child__first_name", "child__last_name"]
    raw_id_fields = ["child", "case", "referral"]
    readonly_fields = ["uuid", "version", "created_at", "created_by", "updated_at", "updated_by"]
    date_hierarchy = "start"
