from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("settings/", views.preferences, name="preferences"),
    path("read/", views.notifications_mark_all_read, name="mark-all-read"),
    path("<uuid:uuid>/open/", views.notification_open, name="open"),
    path("<uuid:uuid>/read/", views.notification_mark_read, name="mark-read"),
]
