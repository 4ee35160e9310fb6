from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("teams/", views.team_list, name="team-list"),
    path("teams/<uuid:uuid>/", views.team_detail, name="team-detail"),
    path("session/", views.session_status, name="session"),
    path("two-factor/", views.two_factor_overview, name="two-factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify_page, name="two-factor-verify"),
]
