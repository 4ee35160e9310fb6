from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("export.csv", views.caseload_export, name="caseload-export"),
    path("search/", views.search, name="search"),
    path("intake/", views.intake, name="intake"),
    path("families/<uuid:uuid>/", views.family_detail, name="family-detail"),
    path("families/<uuid:uuid>/edit/", views.family_edit, name="family-edit"),
    path("families/<uuid:uuid>/archive/", views.family_archive, name="family-archive"),
    path("families/<uuid:uuid>/restore/", views.family_unarchive, name="family-unarchive"),
    path("families/<uuid:uuid>/caregivers/new/", views.caregiver_add, name="caregiver-add"),
    path("families/<uuid:uuid>/children/new/", views.child_add, name="child-add"),
    path("families/<uuid:uuid>/consents/new/", views.consent_add, name="consent-add"),
    path("families/<uuid:uuid>/cases/new/", views.case_open, name="case-open"),
    path("caregivers/<uuid:uuid>/edit/", views.caregiver_edit, name="caregiver-edit"),
    path("children/<uuid:uuid>/edit/", views.child_edit, name="child-edit"),
    path("children/<uuid:uuid>/ed-visits/new/", views.edvisit_add, name="edvisit-add"),
    path("ed-visits/<uuid:uuid>/edit/", views.edvisit_edit, name="edvisit-edit"),
    path("consents/<uuid:uuid>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("<uuid:uuid>/", views.case_detail, name="case-detail"),
    path("<uuid:uuid>/edit/", views.case_edit, name="case-edit"),
    path("<uuid:uuid>/history/", views.case_history, name="case-history"),
    path("<uuid:uuid>/emergency-access/", views.emergency_access, name="emergency-access"),
    path("<uuid:uuid>/activate/", views.case_activate, name="case-activate"),
    path("<uuid:uuid>/closure/", views.case_closure_request, name="case-closure-request"),
    path("<uuid:uuid>/closure/approve/", views.case_closure_approve, name="case-closure-approve"),
    path("<uuid:uuid>/closure/return/", views.case_closure_return, name="case-closure-return"),
    path("<uuid:uuid>/reopen/", views.case_reopen, name="case-reopen"),
    path("<uuid:uuid>/needs/new/", views.need_add, name="need-add"),
    path("<uuid:uuid>/goals/new/", views.goal_add, name="goal-add"),
    path("<uuid:uuid>/activities/new/", views.activity_add, name="activity-add"),
    path("<uuid:uuid>/tasks/new/", views.task_add, name="task-add"),
    path("needs/<uuid:uuid>/edit/", views.need_edit, name="need-edit"),
    path("needs/<uuid:uuid>/status/", views.need_status, name="need-status"),
    path("goals/<uuid:uuid>/edit/", views.goal_edit, name="goal-edit"),
    path("tasks/<uuid:uuid>/complete/", views.task_complete, name="task-complete"),
]
