from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/reassign/", views.reassign, name="reassign"),
    path("cases/<uuid:uuid>/review/", views.case_review, name="case-review"),
    path("tasks/", views.task_list, name="task-list"),
    path("referrals/", views.referral_list, name="referral-list"),
    path("closures/", views.closure_queue, name="closure-queue"),
    path("families/<uuid:uuid>/access/", views.family_access, name="family-access"),
    path("reports/", views.reports, name="reports"),
    path("reports/<slug:name>.csv", views.report_csv, name="report-csv"),
]
