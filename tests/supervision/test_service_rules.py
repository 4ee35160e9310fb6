"""The supervision services check their actor, as the pages do."""

import pytest
from django.core.exceptions import PermissionDenied

from cases.models import Case
from supervision.models import ReportDownload
from supervision.services import cases_reassign, report_download_record
from tests.supervision.conftest import versions

pytestmark = pytest.mark.django_db


def test_only_supervisors_and_administrators_record_a_report_download(coordinator, supervisor, admin):
    with pytest.raises(PermissionDenied):
        report_download_record(user=coordinator, report="cases", parameters={})

    report_download_record(user=supervisor, report="cases", parameters={})
    report_download_record(user=admin, report="cases", parameters={})
    assert list(ReportDownload.objects.order_by("at", "id").values_list("user", flat=True)) == [
        supervisor.pk,
        admin.pk,
    ]


def test_a_coordinator_cannot_reassign_cases_and_nothing_changes(case, coordinator, colleague):
    with pytest.raises(PermissionDenied):
        cases_reassign(
            cases=[case], versions=versions([case]), coordinator=colleague, reason="Leave", actor=coordinator
        )

    assert Case.objects.get(pk=case.pk).coordinator == coordinator


def test_a_supervisor_of_another_team_cannot_reassign_its_cases(case, coordinator, outsider, other_team):
    from tests.accounts.factories import SupervisorFactory

    elsewhere = SupervisorFactory(teams=[other_team])

    with pytest.raises(PermissionDenied):
        cases_reassign(
            cases=[case], versions=versions([case]), coordinator=outsider, reason="Leave", actor=elsewhere
        )

    assert Case.objects.get(pk=case.pk).coordinator == coordinator
