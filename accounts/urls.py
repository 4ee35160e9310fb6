from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("teams/", views.team_list, name="team-list"),
    path("teams/<uuid:uuid>/", views.team_detail, name="team-detail"),
]
