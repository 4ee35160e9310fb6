from django.urls import path

from carecoord import converters  # noqa: F401 - registers the token converters used below

from . import appointment_views, organization_views, referral_views, views

app_name = "referrals"

urlpatterns = [
    path("", referral_views.referral_list, name="referral-list"),
    path("new/", referral_views.referral_new, name="referral-new"),
    path("<uuid:uuid>/", referral_views.referral_detail, name="referral-detail"),
    path("<uuid:uuid>/status/", referral_views.referral_status, name="referral-status"),
    path("<uuid:uuid>/link/revoke/", referral_views.referral_link_revoke, name="referral-link-revoke"),
    path("appointments/new/", appointment_views.appointment_new, name="appointment-new"),
    path("appointments/<uuid:uuid>/edit/", appointment_views.appointment_edit, name="appointment-edit"),
    path(
        "appointments/<uuid:uuid>/outcome/", appointment_views.appointment_outcome, name="appointment-outcome"
    ),
    path("directory/", views.directory_search, name="directory-search"),
    path("directory/services/<uuid:uuid>/", views.service_detail, name="service-detail"),
    # The receiving organization's answer page: no account, a signed expiring token.
    path("answer/<referral_link:token>/", organization_views.organization_link, name="organization-link"),
]
