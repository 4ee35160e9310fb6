"""The HSDS 3.0 API's addresses, as the Open Referral API specification names them (mounted at /hsds/)."""

from django.urls import path

from . import hsds_views

app_name = "hsds"

urlpatterns = [
    path("", hsds_views.root, name="root"),
    path("openapi.json", hsds_views.openapi, name="openapi"),
    path("services", hsds_views.service_list, name="service-list"),
    path("services/<str:id>", hsds_views.service_detail, name="service-detail"),
    path("organizations", hsds_views.organization_list, name="organization-list"),
    path("organizations/<str:id>", hsds_views.organization_detail, name="organization-detail"),
    path("taxonomies", hsds_views.taxonomy_list, name="taxonomy-list"),
    path("taxonomies/<str:id>", hsds_views.taxonomy_detail, name="taxonomy-detail"),
    path("taxonomy_terms", hsds_views.taxonomy_term_list, name="taxonomy-term-list"),
    path("taxonomy_terms/<str:id>", hsds_views.taxonomy_term_detail, name="taxonomy-term-detail"),
    path("service_at_locations", hsds_views.service_at_location_list, name="service-at-location-list"),
    path(
        "service_at_locations/<str:id>",
        hsds_views.service_at_location_detail,
        name="service-at-location-detail",
    ),
]
