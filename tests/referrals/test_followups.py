"""The follow-up rules: unanswered referrals and missed appointments become one task each."""

import datetime
import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.result import EagerResult
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.utils import timezone

from cases.models import Case, Task
from cases.reference import ensure_reference_data
from referrals.followups import follow_up_rules_run
from referrals.models import Appointment, Referral
from tests.accounts.factories import TeamFactory
from tests.cases.factories import CaseFactory, ChildFactory, NeedFactory, ProgramFactory
from tests.queries import assert_queries_bounded
from tests.referrals.factories import AppointmentFactory, ReferralFactory

BASE_DIR = Path(__file__).resolve().parents[2]
NOTHING = {"referrals_unanswered": 0, "appointments_missed": 0}


def sent_days_ago(days, **fields):
    return ReferralFactory(requested_at=timezone.now() - datetime.timedelta(days=days), **fields)


def rule_tasks(rule_key):
    return Task.objects.filter(rule_key=rule_key)


# Unanswered referrals


@pytest.mark.django_db
def test_referral_unanswered_for_eight_days_gets_one_task_for_the_coordinator():
    referral = sent_days_ago(8)

    result = follow_up_rules_run()

    assert result == {"referrals_unanswered": 1, "appointments_missed": 0}
    task = rule_tasks(f"referral-unanswered:{referral.uuid}").get()
    assert task.case == referral.case
    assert task.assignee == referral.case.coordinator
    assert task.due_on == timezone.localdate()
    assert task.title == f"No answer to referral: {referral.outside_provider}"
    assert task.created_by is None
    assert task.completed_at is None


@pytest.mark.django_db
def test_running_the_rules_again_creates_no_second_task():
    referral = sent_days_ago(8)
    follow_up_rules_run()

    assert follow_up_rules_run() == NOTHING
    assert rule_tasks(f"referral-unanswered:{referral.uuid}").count() == 1


@pytest.mark.django_db
def test_completing_the_task_does_not_bring_it_back():
    referral = sent_days_ago(8)
    follow_up_rules_run()
    Task.objects.filter(case=referral.case).update(completed_at=timezone.now())

    assert follow_up_rules_run() == NOTHING
    assert Task.objects.filter(case=referral.case).count() == 1


@pytest.mark.django_db
def test_referral_sent_three_days_ago_gets_no_task():
    referral = sent_days_ago(3)

    assert follow_up_rules_run() == NOTHING
    assert not Task.objects.filter(case=referral.case).exists()


@pytest.mark.django_db
def test_referral_is_due_exactly_at_its_programs_limit():
    now = timezone.now()
    referral = ReferralFactory(requested_at=now - datetime.timedelta(days=7))

    assert follow_up_rules_run(now=now - datetime.timedelta(seconds=1)) == NOTHING
    assert follow_up_rules_run(now=now)["referrals_unanswered"] == 1
    assert rule_tasks(f"referral-unanswered:{referral.uuid}").exists()


@pytest.mark.django_db
def test_a_program_with_a_two_day_limit_applies_its_own_limit():
    short = ProgramFactory(name="Short answer program", referral_answer_days=2)
    late = sent_days_ago(3, need=NeedFactory(case=CaseFactory(program=short)))
    recent = sent_days_ago(1, need=NeedFactory(case=CaseFactory(program=short)))
    general = sent_days_ago(3)

    assert follow_up_rules_run()["referrals_unanswered"] == 1
    assert rule_tasks(f"referral-unanswered:{late.uuid}").exists()
    assert not rule_tasks(f"referral-unanswered:{recent.uuid}").exists()
    assert not rule_tasks(f"referral-unanswered:{general.uuid}").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [
        Referral.Status.DRAFT,
        Referral.Status.RECEIVED,
        Referral.Status.ACCEPTED,
        Referral.Status.IN_PROGRESS,
        Referral.Status.COMPLETED,
        Referral.Status.REJECTED,
        Referral.Status.CANCELLED,
        Referral.Status.FAILED,
        Referral.Status.ON_HOLD,
    ],
)
def test_referral_no_longer_requested_gets_no_task(status):
    referral = sent_days_ago(30, status=status, status_reason="No places left.")

    assert follow_up_rules_run() == NOTHING
    assert not Task.objects.filter(case=referral.case).exists()


@pytest.mark.django_db
def test_referral_on_a_closed_case_gets_no_task():
    referral = sent_days_ago(30, need=NeedFactory(case=CaseFactory(status=Case.Status.CLOSED)))

    assert follow_up_rules_run() == NOTHING
    assert not Task.objects.filter(case=referral.case).exists()


@pytest.mark.django_db
def test_referral_to_a_directory_service_names_the_service_in_the_title():
    from tests.referrals.factories import ServiceFactory

    service = ServiceFactory(name="Speech Therapy Clinic", organization__name="Harbor Health")
    referral = sent_days_ago(8, service=service, outside_provider="")

    follow_up_rules_run()

    task = rule_tasks(f"referral-unanswered:{referral.uuid}").get()
    assert task.title == "No answer to referral: Speech Therapy Clinic (Harbor Health)"


@pytest.mark.django_db
def test_a_coordinator_who_left_the_team_is_skipped_and_the_others_still_get_their_tasks():
    stale = sent_days_ago(8)
    stale.case.coordinator.teams.set([TeamFactory()])
    fine = sent_days_ago(8)

    assert follow_up_rules_run()["referrals_unanswered"] == 1
    assert not Task.objects.filter(case=stale.case).exists()
    assert rule_tasks(f"referral-unanswered:{fine.uuid}").exists()


@pytest.mark.django_db
def test_a_run_with_nothing_new_asks_a_fixed_number_of_queries():
    case = CaseFactory()
    child = ChildFactory(family=case.family)

    def add_followed_up_rows(count):
        for _ in range(count):
            sent_days_ago(8, need=NeedFactory(case=case))
            AppointmentFactory(case=case, child=child, status=Appointment.Status.MISSED)
        follow_up_rules_run()  # their tasks exist: the counted runs find nothing new

    def load():
        assert follow_up_rules_run() == NOTHING

    assert_queries_bounded(add_rows=add_followed_up_rows, load=load, ceiling=6)


@pytest.mark.django_db
def test_a_run_overlapping_another_skips_the_task_the_other_just_made(monkeypatch):
    import referrals.followups

    referral = sent_days_ago(8)
    real_create_once = referrals.followups.task_create_once

    def other_run_got_there_first(**kwargs):
        real_create_once(**kwargs)
        raise IntegrityError("duplicate key value violates unique constraint task_rule_key_unique")

    monkeypatch.setattr(referrals.followups, "task_create_once", other_run_got_there_first)

    assert follow_up_rules_run() == NOTHING
    assert rule_tasks(f"referral-unanswered:{referral.uuid}").count() == 1


@pytest.mark.django_db
def test_any_other_integrity_error_is_raised(monkeypatch):
    import referrals.followups

    sent_days_ago(8)

    def broken(**kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(referrals.followups, "task_create_once", broken)

    with pytest.raises(IntegrityError):
        follow_up_rules_run()


# Missed appointments


@pytest.mark.django_db
def test_missed_appointment_gets_one_task_once():
    appointment = AppointmentFactory(
        provider="Dr. Rivera, Neuromuscular Clinic",
        start=timezone.now() - datetime.timedelta(days=1),
        status=Appointment.Status.MISSED,
    )

    assert follow_up_rules_run() == {"referrals_unanswered": 0, "appointments_missed": 1}
    assert follow_up_rules_run() == NOTHING
    task = rule_tasks(f"appointment-missed:{appointment.uuid}").get()
    assert task.title == "Missed appointment: Dr. Rivera, Neuromuscular Clinic — contact the family to rebook"
    assert task.assignee == appointment.case.coordinator
    assert task.due_on == timezone.localdate()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Appointment.Status.SCHEDULED, Appointment.Status.ATTENDED, Appointment.Status.CANCELLED]
)
def test_appointment_not_missed_gets_no_task(status):
    appointment = AppointmentFactory(status=status)

    assert follow_up_rules_run() == NOTHING
    assert not Task.objects.filter(case=appointment.case).exists()


@pytest.mark.django_db
def test_missed_appointment_on_a_closed_case_or_on_no_case_gets_no_task():
    AppointmentFactory(status=Appointment.Status.MISSED, case=CaseFactory(status=Case.Status.CLOSED))
    AppointmentFactory(status=Appointment.Status.MISSED, case=None, child=ChildFactory())

    assert follow_up_rules_run() == NOTHING
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_a_long_provider_name_is_cut_so_the_title_fits():
    appointment = AppointmentFactory(provider="P" * 200, status=Appointment.Status.MISSED)

    follow_up_rules_run()

    task = rule_tasks(f"appointment-missed:{appointment.uuid}").get()
    assert len(task.title) <= 200
    assert task.title.endswith("contact the family to rebook")


# How the rules run


@pytest.mark.django_db
def test_the_command_prints_the_counts():
    sent_days_ago(8)
    AppointmentFactory(status=Appointment.Status.MISSED)
    AppointmentFactory(status=Appointment.Status.MISSED)
    out = StringIO()

    call_command("run_follow_up_rules", stdout=out)

    assert "1 for unanswered referrals" in out.getvalue()
    assert "2 for missed appointments" in out.getvalue()
    assert Task.objects.count() == 3


@pytest.mark.django_db
def test_the_celery_task_runs_the_rules_and_returns_the_counts():
    from referrals.tasks import run_follow_up_rules

    sent_days_ago(8)

    assert run_follow_up_rules.apply().get() == {"referrals_unanswered": 1, "appointments_missed": 0}


def test_beat_runs_the_rules_every_hour(settings):
    from carecoord.celery import app

    entry = app.conf.beat_schedule["follow-up-rules"]
    # What a worker does when it starts: import every app's tasks module.
    app.loader.import_default_modules()
    assert entry["task"] == "referrals.tasks.run_follow_up_rules"
    assert entry["schedule"] == 60 * 60
    assert entry["task"] in app.tasks


def database_url(settings_dict):
    """A DATABASE_URL naming the database this test process uses (the test database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


MISSING = object()


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: the Celery worker test needs Redis (CI sets redis://127.0.0.1:6379/0)",
)
def test_the_rules_run_through_a_real_celery_worker_on_redis(transactional_db, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            f"the Celery worker test needs PostgreSQL: the {connection.vendor} test database is "
            "in memory and another process cannot see it (set DATABASE_URL=postgres://...)"
        )
    from carecoord.celery import app
    from referrals.tasks import run_follow_up_rules

    # A transactional test starts from a flushed database; put back what the factories use.
    ensure_reference_data()
    referral = sent_days_ago(8)

    queue = f"carecoord-test-followups-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carecoord.settings",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log_path = tmp_path / "worker.log"

    # Both are needed: Django's setting for anything reading it, the app's own
    # configuration for apply_async (it may have been set there directly).
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous_eager = app.conf.changes.get("task_always_eager", MISSING)
    app.conf.task_always_eager = False
    result = None
    with open(log_path, "w") as log:
        worker = subprocess.Popen(  # noqa: S603 - fixed arguments, our own interpreter
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "carecoord",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            assert app.conf.broker_url.startswith("redis://")
            result = run_follow_up_rules.apply_async(queue=queue)
            try:
                counts = result.get(timeout=60)
            except Exception as error:
                pytest.fail(f"The worker did not answer ({error!r}); its log:\n{log_path.read_text()}")
            assert not isinstance(result, EagerResult), "the task ran in the test process, not the worker"
            assert counts == {"referrals_unanswered": 1, "appointments_missed": 0}
            task = rule_tasks(f"referral-unanswered:{referral.uuid}").get()
            assert task.assignee == referral.case.coordinator
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
            if previous_eager is MISSING:
                app.conf.changes.pop("task_always_eager", None)
            else:
                app.conf.task_always_eager = previous_eager
            if result is not None:
                result.forget()
            _forget_queue(app, queue)


def _forget_queue(app, queue):
    """Delete the test queue and the bindings kombu keeps for it in Redis."""
    declared = app.amqp.queues.pop(queue, None)
    if declared is None:
        return
    with app.connection_for_write() as broker:
        bound = declared.bind(broker.default_channel)
        bound.declare()  # registers the bindings on this channel, so delete() removes them
        bound.delete()
