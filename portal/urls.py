from django.urls import path

from carecoord import converters  # noqa: F401 - registers the token converters used below

from . import staff_views, views

app_name = "portal"

urlpatterns = [
    # The family's pages: the signed-in caregiver's own family, nothing in the address.
    path("", views.home, name="home"),
    path("summary/", views.summary_print, name="summary-print"),
    path("summary.pdf", views.summary_pdf, name="summary-pdf"),
    path("calendar/", views.calendar_settings, name="calendar"),
    # Reached without a session: the secret in the address is the key.
    path("calendar/<uuid:feed>/<secret256:secret>.ics", views.calendar_feed_view, name="calendar-feed"),
    # Calendar addresses made before they were derived from a key keep working (docs/SECURITY.md).
    path("calendar/<secret256:token>.ics", views.calendar_feed_legacy_view, name="calendar-feed-legacy"),
    path("invitations/<secret256:token>/", views.invitation_accept, name="invitation-accept"),
    # Staff actions from the family page.
    path("access/caregivers/<uuid:uuid>/invite/", staff_views.invitation_create, name="invitation-create"),
    path("access/caregivers/<uuid:uuid>/remove/", staff_views.access_remove, name="access-remove"),
    path("access/invitations/<uuid:uuid>/revoke/", staff_views.invitation_revoke, name="invitation-revoke"),
]
