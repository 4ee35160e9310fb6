from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("cases/<uuid:uuid>/new/", views.screening_new, name="screening-new"),
    path("cases/<uuid:uuid>/send/", views.screening_send, name="screening-send"),
    path("<uuid:uuid>/", views.screening_detail, name="screening-detail"),
    path("<uuid:uuid>/answers/", views.screening_answers, name="screening-answers"),
    path("<uuid:uuid>/withdraw/", views.screening_withdraw, name="screening-withdraw"),
    path("proposals/<uuid:uuid>/confirm/", views.proposal_confirm, name="proposal-confirm"),
    path("proposals/<uuid:uuid>/dismiss/", views.proposal_dismiss, name="proposal-dismiss"),
]
