"""seed_scale: fictional households in bulk, shaped like a state-wide program, added only when missing."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Team, User
from carecoord import scale
from carecoord.bench.client import BenchClient
from cases.models import Case, CaseEvent, Family, Need, Task
from referrals.models import Referral, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def logins(monkeypatch, settings):
    settings.DEBUG = True
    # Small chunks, so a test of 30 households still writes several of them.
    monkeypatch.setattr(scale, "CHUNK", 12)
    monkeypatch.setattr(scale, "SERVICE_COUNT", 50)
    return scale.seed_scale(30, say=lambda line: None)


def test_a_state_wide_program_in_miniature_with_the_demo_coordinator_carrying_the_heavy_case(logins):
    assert scale.scale_families().count() == 30
    assert Team.objects.count() == 10
    for team in Team.objects.all():
        assert team.members.filter(role=User.Role.COORDINATOR).count() >= 6
        assert team.members.filter(role=User.Role.SUPERVISOR).exists()
    assert Case.objects.filter(family__in=scale.scale_families()).count() == 30
    carmen = User.objects.get(username="coordinator")
    heavy = Case.objects.get(family__name=scale.HEAVY_FAMILY)
    assert heavy.coordinator == carmen
    assert CaseEvent.objects.filter(case=heavy).count() == 400
    assert Task.objects.open().filter(case=heavy).count() == 60
    assert Need.objects.filter(case=heavy).count() == 30
    assert Case.objects.filter(coordinator=carmen, family__in=scale.scale_families()).exists()
    assert Service.objects.listed().filter(hsds_id__startswith="scale-").count() == 50
    assert Referral.objects.filter(service__hsds_id__startswith="scale-").exists()
    staff = [login for login in logins if login["role"] != "family"]
    assert len(staff) >= 70
    assert all(len(login["totp_key"]) == 40 for login in staff)


def test_running_again_adds_nothing_and_a_larger_number_adds_only_the_missing(logins):
    counts = (Family.objects.count(), Case.objects.count(), Referral.objects.count(), User.objects.count())
    scale.seed_scale(30, say=lambda line: None)
    assert (
        Family.objects.count(),
        Case.objects.count(),
        Referral.objects.count(),
        User.objects.count(),
    ) == counts
    scale.seed_scale(40, say=lambda line: None)
    assert scale.scale_families().count() == 40
    assert Family.objects.count() == counts[0] + 10


def sign_in(login):
    """The benchmark's sign-in: the password, then (staff) the code of the seeded authenticator."""
    client = Client()
    answer = client.post("/accounts/login/", {"username": login["username"], "password": login["password"]})
    assert answer.status_code == 302
    if login.get("totp_key"):
        answer = client.post("/accounts/two-factor/verify/", {"code": BenchClient.code(login["totp_key"])})
        assert answer.status_code == 302
    return client


def test_every_page_of_the_benchmark_answers_its_login(logins):
    plan = scale.bench_plan(logins)
    by_name = {login["username"]: login for login in plan["logins"]}
    clients = {None: Client()}
    for username in {page["login"] for page in plan["pages"] if page["login"]}:
        clients[username] = sign_in(by_name[username])
    for page in plan["pages"]:
        assert clients[page["login"]].get(page["path"]).status_code == 200, page["name"]
    # The load test's users, one of each role: every page of their round answers too.
    for role in ("coordinator", "supervisor", "family"):
        login = next(login for login in plan["logins"] if login["role"] == role and login["username"] != role)
        client = sign_in(login)
        for path in login["paths"]:
            assert client.get(path).status_code == 200, (login["username"], path)


def test_the_command_never_runs_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="never runs in production"):
        call_command("seed_scale", "--families", "5")
    assert not Family.objects.exists()
