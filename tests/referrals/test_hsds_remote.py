"""Importing another directory's HSDS 3.0 API over real HTTP: this application's own API, served live.

The directory served is the test database's, through pytest-django's live server.
The directory that reads it is another instance of the application: ``manage.py``
run as its own process on its own SQLite database, as a second site would be.
"""

import csv
import os
import shutil
import subprocess  # nosec B404 - the second instance is this project's own manage.py
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from referrals.demo import SAMPLE_DIRECTORY
from referrals.hsds import TABLES, HSDSImportError, directory_export, directory_import
from referrals.hsds.remote import directory_import_from_api
from referrals.models import HSDSSource, Service
from referrals.tasks import import_hsds_sources

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "a-live-test-token-that-is-long-enough-0123"
CLINIC = "08c1a30c-a64a-5808-a21c-2f7619efe534"
# Not carried by the API: no endpoint and no object nests table descriptions.
NOT_IN_THE_API = {"meta_table_descriptions.csv"}


@pytest.fixture
def served(live_server, settings):
    """The sample directory, served at the live server's /hsds/ with a token."""
    settings.CARECOORD_HSDS_API = "token"
    settings.CARECOORD_HSDS_API_TOKENS = [TOKEN]
    directory_import(directory=SAMPLE_DIRECTORY)
    return f"{live_server.url}/hsds/"


class OtherInstance:
    """The application as a second site: its own process and its own database."""

    def __init__(self, folder):
        self.folder = folder
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder / 'other.sqlite3'}",
            "DJANGO_DEBUG": "1",
            "REDIS_URL": "",
        }
        self.run("migrate", "--noinput", "-v0")

    def run(self, *arguments):
        done = subprocess.run(  # noqa: S603 - fixed arguments, this project's manage.py
            [sys.executable, str(Path(django_settings.BASE_DIR) / "manage.py"), *arguments],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.splitlines()

    def export(self):
        self.run("export_hsds", str(self.folder / "export"))
        return self.folder / "export"


def rows_by_id(folder, path):
    with (folder / path).open(newline="", encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def test_one_directory_syncs_into_another_over_http_then_only_what_changed(served, tmp_path):
    other = OtherInstance(tmp_path)

    first = other.run("import_hsds", "--from-api", served, "--token", TOKEN)

    assert first[0] == "Pulled 15 services."
    assert "services.csv: 15 created, 0 updated, 0 unchanged" in first
    directory_export(directory=tmp_path / "served")
    copied = other.export()
    for table in TABLES:
        if table.path not in NOT_IN_THE_API:
            assert rows_by_id(copied, table.path) == rows_by_id(tmp_path / "served", table.path), table.path

    # The served directory changes one service (a newer package), and the other site imports again.
    changed = tmp_path / "changed"
    shutil.copytree(SAMPLE_DIRECTORY, changed)
    text = (changed / "services.csv").read_text(encoding="utf-8")
    (changed / "services.csv").write_text(
        text.replace("Pediatric Neuromuscular Clinic", "Pediatric Neuromuscular Clinic (Duchenne)"),
        encoding="utf-8",
    )
    directory_import(directory=changed)

    second = other.run("import_hsds", "--from-api", served)  # the token is remembered

    assert second[0].startswith("Pulled 1 services modified since ")
    assert "services.csv: 0 created, 1 updated, 0 unchanged" in second
    assert (
        rows_by_id(other.export(), "services.csv")[CLINIC]["name"]
        == "Pediatric Neuromuscular Clinic (Duchenne)"
    )


def test_the_periodic_task_imports_what_changed_at_every_active_source(served):
    HSDSSource.objects.create(url=served, token=TOKEN)
    HSDSSource.objects.create(url="http://127.0.0.1:9/hsds/", active=False)  # never asked

    outcomes = import_hsds_sources()

    assert list(outcomes) == [served]
    assert outcomes[served]["services"] == 15
    assert outcomes[served]["counts"]["services.csv"] == {"created": 0, "updated": 0, "unchanged": 15}
    assert HSDSSource.objects.get(url=served).modified_after == max(
        Service.objects.values_list("last_modified", flat=True)
    )


def test_an_api_that_cannot_be_reached_is_refused_and_changes_nothing(served):
    with pytest.raises(HSDSImportError, match="could not be reached"):
        directory_import_from_api(url="http://127.0.0.1:9/hsds/")

    assert not HSDSSource.objects.exists()


def test_an_address_that_is_not_an_hsds_api_is_refused(served, live_server):
    with pytest.raises(HSDSImportError, match="did not answer JSON|answered"):
        directory_import_from_api(url=f"{live_server.url}/accounts/login/")


def test_a_wrong_token_is_refused_and_changes_nothing(served):
    before = Service.objects.count()

    with pytest.raises(HSDSImportError, match="answered 401"):
        directory_import_from_api(url=served, token="not-the-token")

    assert Service.objects.count() == before
    assert not HSDSSource.objects.exists()
