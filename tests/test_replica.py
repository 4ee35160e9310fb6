"""A read replica: the supervisors' figures read from it, every write and everything else from the primary.

The suite has a second database alias, ``replica``, a test mirror of the
default database (tests/conftest.py); these tests turn replica reads on and
watch which alias each query goes through.
"""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carecoord.replica import ReplicaRouter, replica_reads
from supervision.models import ReportDownload

# Committed rows: the replica alias has a connection of its own, which sees no test transaction.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):
    settings.CARECOORD_REPLICA_READS = True
    return connections["replica"]


def watched(client, path, method="get", **data):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(path, data)
    return (
        response,
        [q["sql"] for q in primary.captured_queries],
        [q["sql"] for q in replica.captured_queries],
    )


def writes(queries):
    return [sql for sql in queries if sql.split()[0] in {"INSERT", "UPDATE", "DELETE"}]


def test_reads_go_to_the_replica_only_inside_a_replica_block_until_it_writes(replica):
    router = ReplicaRouter()
    assert router.db_for_read(ReportDownload) is None
    with replica_reads():
        assert router.db_for_read(ReportDownload) == "replica"
        assert router.db_for_write(ReportDownload) == "default"
        assert router.db_for_read(ReportDownload) is None
    assert router.db_for_read(ReportDownload) is None
    assert router.allow_migrate("replica", "cases") is False


def test_without_a_replica_every_read_stays_on_the_primary(settings):
    settings.CARECOORD_REPLICA_READS = False
    with replica_reads():
        assert ReplicaRouter().db_for_read(ReportDownload) is None


def test_the_overview_reads_its_figures_from_the_replica_and_signs_in_and_logs_on_the_primary(
    client, supervisor, case, replica
):
    client.force_login(supervisor)
    response, primary, from_replica = watched(client, reverse("supervision:overview"))
    assert response.status_code == 200
    assert any("cases_case" in sql for sql in from_replica)
    assert not writes(from_replica)
    assert any("django_session" in sql for sql in primary)
    assert any(sql.startswith("INSERT") and "audit_accessevent" in sql for sql in primary)


def test_a_report_csv_records_its_download_on_the_primary_and_then_reads_from_the_primary(
    client, supervisor, case, replica
):
    client.force_login(supervisor)
    response, primary, from_replica = watched(client, reverse("supervision:report-csv", args=["cases"]))
    assert response.status_code == 200
    assert any("supervision_reportdownload" in sql for sql in writes(primary))
    assert not writes(from_replica)
    assert ReportDownload.objects.filter(user=supervisor, report="cases").exists()


def test_after_a_change_the_users_reads_stay_on_the_primary(client, supervisor, case, replica):
    client.force_login(supervisor)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response, primary, from_replica = watched(client, reverse("supervision:overview"))
    assert response.status_code == 200
    assert from_replica == []
    assert any("cases_case" in sql for sql in primary)


def test_pages_not_marked_for_the_replica_read_the_primary(client, coordinator, case, replica):
    client.force_login(coordinator)
    response, primary, from_replica = watched(client, reverse("cases:case-detail", args=[case.uuid]))
    assert response.status_code == 200
    assert from_replica == []
