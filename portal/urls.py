from django.urls import path

from . import staff_views, views

app_name = "portal"

urlpatterns = [
    # The family's pages: the signed-in caregiver's own family, nothing in the address.
    path("", views.home, name="home"),
    path("summary/", views.summary_print, name="summary-print"),
    path("summary.pdf", views.summary_pdf, name="summary-pdf"),
    path("calendar/", views.calendar_settings, name="calendar"),
    # Reached without a session: the secret in the address is the key.
    path("calendar/<str:token>.ics", views.calendar_feed_view, name="calendar-feed"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    # Staff actions from the family page.
    path("access/caregivers/<uuid:uuid>/invite/", staff_views.invitation_create, name="invitation-create"),
    path("access/caregivers/<uuid:uuid>/remove/", staff_views.access_remove, name="access-remove"),
    path("access/invitations/<uuid:uuid>/revoke/", staff_views.invitation_revoke, name="invitation-revoke"),
]
