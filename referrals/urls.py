from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("directory/", views.directory_search, name="directory-search"),
    path("directory/services/<uuid:uuid>/", views.service_detail, name="service-detail"),
]
