"""Project-wide behaviour: health check, settings, migrations, admin, demo data."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.urls import reverse

from accounts.models import Team, User
from tests.accounts.factories import AdminFactory

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x8#k2!q9z@v4$w7^m1&n6*p3(r5)t0_y-u+i=o[e]a{s}d|f;g:h,j.l<b>c?" * 2,
    "DJANGO_ALLOWED_HOSTS": "carecoord.example.org",
}


def run_manage(*args, env_overrides):
    env = {**os.environ, **env_overrides}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch("carecoord.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "down" not in response.content.decode()


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", env_overrides={**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_deployment_checks_pass_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "WARNINGS" not in result.stderr


# Run with production settings: sign-in page, then every static file it links to, through whitenoise.
SERVE_STATIC = """
import re, sys
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="carecoord.example.org")
page = client.get("/accounts/login/", secure=True)
assert page.status_code == 200, page.status_code
urls = sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page.content.decode())))
assert urls, "the sign-in page links to no static file"
for url in urls:
    response = client.get(url, secure=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    print(response.status_code, len(body), response.get("Cache-Control", ""), url)
"""


def test_production_collects_static_files_and_serves_them(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    collected = run_manage("collectstatic", "--noinput", env_overrides=env)
    assert collected.returncode == 0, collected.stderr + collected.stdout
    assert (tmp_path / "static" / "staticfiles.json").is_file()

    served = subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, "-c", SERVE_STATIC],
        cwd=BASE_DIR,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "carecoord.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert served.returncode == 0, served.stderr + served.stdout
    lines = served.stdout.strip().splitlines()
    # Hashed names (the manifest's), served with a long cache life, none empty.
    assert any("bootstrap.min." in line for line in lines), lines
    for line in lines:
        status, size, cache, url = line.split(" ", 3)
        assert status == "200", line
        assert int(size) > 0, line
        assert "max-age=315360000" in cache, line
        assert re.search(r"\.[0-9a-f]{12}\.", url), line


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_every_model_of_the_project_is_in_the_admin():
    from django.apps import apps

    project_apps = {"accounts", "cases", "referrals", "portal", "supervision"}
    missing = [
        model.__name__
        for model in apps.get_models()
        if model._meta.app_label in project_apps
        and not model._meta.auto_created
        and model not in admin.site._registry
    ]
    assert missing == []


@pytest.mark.django_db
def test_admin_lists_and_searches_every_registered_model(client):
    client.force_login(AdminFactory())
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": "a"} if model_admin.search_fields else {})
        assert response.status_code == 200, url


@pytest.fixture
def development_mode(settings):
    settings.DEBUG = True


@pytest.mark.django_db
@pytest.mark.usefixtures("development_mode")
def test_seed_demo_prints_logins_and_running_twice_changes_nothing():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().strip().splitlines()
    roles = {line.split()[0] for line in lines}
    assert {"coordinator", "supervisor", "family", "admin"} <= roles
    assert all(len(line.split()) == 3 for line in lines)
    counts = (User.objects.count(), Team.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), Team.objects.count()) == counts


@pytest.mark.django_db
@pytest.mark.usefixtures("development_mode")
def test_seed_demo_logins_work(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    for line in out.getvalue().strip().splitlines():
        _role, username, password = line.split()
        client.post(reverse("login"), {"username": username, "password": password})
        assert SESSION_KEY in client.session, username
        client.logout()


@pytest.mark.django_db
def test_seed_demo_never_runs_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.count() == 0
