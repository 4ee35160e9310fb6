"""The follow-up rules: deadline reminders, tasks for missed deadlines and appointments, escalations."""

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
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case, Task
from cases.reference import ensure_reference_data
from notifications.models import Notification
from referrals.deadlines import referral_deadlines
from referrals.followups import follow_up_rules_run
from referrals.models import Appointment, Referral
from tests.accounts.factories import SupervisorFactory, TeamFactory
from tests.cases.factories import CaseFactory, ChildFactory, NeedFactory, ProgramFactory
from tests.queries import assert_queries_bounded
from tests.referrals.factories import AppointmentFactory, ReferralFactory

BASE_DIR = Path(__file__).resolve().parents[2]
NOTHING = {
    "reminders_sent": 0,
    "acknowledge_overdue": 0,
    "outcome_overdue": 0,
    "escalations": 0,
    "appointments_missed": 0,
    "overdue_task_items": 0,
}


SENT_TO = "intake@harbor.example"


def at(day, hour=9):
    """A moment on the center's local calendar day ``day``."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def sent_on(day, **fields):
    """A referral sent at 10:00 on ``day``, with its program's deadlines, emailed to the organization."""
    referral = ReferralFactory(requested_at=at(day, 10), **{"sent_to": SENT_TO, **fields})
    acknowledge_due, outcome_due = referral_deadlines(referral.case.program, referral.requested_at)
    Referral.objects.filter(pk=referral.pk).update(acknowledge_due=acknowledge_due, outcome_due=outcome_due)
    referral.refresh_from_db()
    return referral


def sent_days_ago(days, **fields):
    return sent_on(timezone.localdate() - datetime.timedelta(days=days), **fields)


def rule_tasks(rule_key):
    return Task.objects.filter(rule_key=rule_key)


def counts(**made):
    return {**NOTHING, **made}


# Sent on the Wednesday before Thanksgiving 2025 (Thursday 27 November, a US
# holiday): acknowledgement due in 2 business days is Monday 1 December (Friday
# 28 and Monday 1), so its reminder goes out on Friday 28.
THANKSGIVING_EVE = datetime.date(2025, 11, 26)
THANKSGIVING = datetime.date(2025, 11, 27)
FRIDAY = datetime.date(2025, 11, 28)
MONDAY = datetime.date(2025, 12, 1)
TUESDAY = datetime.date(2025, 12, 2)
WEDNESDAY = datetime.date(2025, 12, 3)
THURSDAY = datetime.date(2025, 12, 4)


# Reminders to the organization


@pytest.mark.django_db
def test_a_referral_sent_before_thanksgiving_is_due_on_monday():
    referral = sent_on(THANKSGIVING_EVE)

    assert referral.acknowledge_due == MONDAY


@pytest.mark.django_db
def test_the_organization_gets_one_reminder_on_the_business_day_before_the_deadline(mailoutbox):
    referral = sent_on(THANKSGIVING_EVE)

    assert follow_up_rules_run(now=at(THANKSGIVING)) == NOTHING
    assert follow_up_rules_run(now=at(FRIDAY)) == counts(reminders_sent=1)
    assert follow_up_rules_run(now=at(FRIDAY, 10)) == NOTHING
    assert follow_up_rules_run(now=at(MONDAY)) == NOTHING

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [SENT_TO]
    assert "please accept or decline the referral" in message.subject
    assert settings.CARECOORD_SITE_URL + "/referrals/answer/" in message.body
    referral.refresh_from_db()
    assert referral.acknowledge_reminded_at == at(FRIDAY)
    assert referral.outcome_reminded_at is None


@pytest.mark.django_db
def test_the_reminder_link_opens_the_organization_page(client, mailoutbox):
    sent_on(THANKSGIVING_EVE)
    follow_up_rules_run(now=at(FRIDAY))

    link = next(line for line in mailoutbox[0].body.splitlines() if "/referrals/answer/" in line)
    response = client.get(link.removeprefix(settings.CARECOORD_SITE_URL))

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_reminder_is_in_english_whatever_language_is_active(mailoutbox):
    sent_on(THANKSGIVING_EVE)

    with translation.override("es"):
        follow_up_rules_run(now=at(FRIDAY))

    assert mailoutbox[0].subject.startswith("Reminder:")


@pytest.mark.django_db
def test_the_reminder_to_a_service_in_spanish_only_is_in_spanish(mailoutbox):
    from tests.referrals.factories import ServiceFactory

    service = ServiceFactory(languages=["es"])
    sent_on(THANKSGIVING_EVE, service=service, outside_provider="")

    follow_up_rules_run(now=at(FRIDAY))

    # Dates already read in Spanish; the sentences follow once the catalogue is translated.
    assert "1 de diciembre de 2025" in mailoutbox[0].subject


@pytest.mark.django_db
def test_a_failed_reminder_email_is_not_stamped_and_is_sent_on_the_next_run(settings, mailoutbox):
    referral = sent_on(THANKSGIVING_EVE)
    working_backend = settings.EMAIL_BACKEND

    settings.EMAIL_BACKEND = "tests.referrals.test_sending.RefusingBackend"
    assert follow_up_rules_run(now=at(FRIDAY)) == NOTHING
    referral.refresh_from_db()
    assert referral.acknowledge_reminded_at is None

    settings.EMAIL_BACKEND = working_backend
    assert follow_up_rules_run(now=at(FRIDAY, 10)) == counts(reminders_sent=1)
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_an_acknowledged_referral_gets_no_acknowledgement_reminder(mailoutbox):
    sent_on(THANKSGIVING_EVE, status=Referral.Status.ACCEPTED, acknowledged_at=at(THANKSGIVING_EVE, 15))

    assert follow_up_rules_run(now=at(FRIDAY)) == NOTHING
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_referral_with_no_email_address_gets_no_reminder_but_still_its_task(mailoutbox):
    referral = sent_on(THANKSGIVING_EVE, sent_to="")

    assert follow_up_rules_run(now=at(FRIDAY)) == NOTHING
    assert follow_up_rules_run(now=at(TUESDAY)) == counts(acknowledge_overdue=1)
    assert mailoutbox == []
    assert rule_tasks(f"referral-acknowledge-overdue:{referral.uuid}").exists()


@pytest.mark.django_db
def test_a_deadline_already_past_gets_no_late_reminder(mailoutbox):
    sent_on(THANKSGIVING_EVE)

    follow_up_rules_run(now=at(TUESDAY))

    assert mailoutbox == []


@pytest.mark.django_db
def test_the_outcome_deadline_gets_its_own_reminder(mailoutbox):
    referral = sent_on(
        THANKSGIVING_EVE, status=Referral.Status.ACCEPTED, acknowledged_at=at(THANKSGIVING_EVE)
    )
    day_before = referral.outcome_due - datetime.timedelta(days=1)

    assert follow_up_rules_run(now=at(day_before))["reminders_sent"] == 1
    assert "please report the outcome" in mailoutbox[0].subject


# Sent on Christmas Eve 2025 (a Wednesday; Christmas Day is a holiday): due
# Monday 29 December, reminded Friday 26, overdue Tuesday 30.


@pytest.mark.django_db
def test_christmas_is_skipped_by_the_reminder_and_the_task(mailoutbox):
    referral = sent_on(datetime.date(2025, 12, 24))

    assert referral.acknowledge_due == datetime.date(2025, 12, 29)
    assert follow_up_rules_run(now=at(datetime.date(2025, 12, 25))) == NOTHING
    assert follow_up_rules_run(now=at(datetime.date(2025, 12, 26))) == counts(reminders_sent=1)
    assert follow_up_rules_run(now=at(datetime.date(2025, 12, 29))) == NOTHING
    assert follow_up_rules_run(now=at(datetime.date(2025, 12, 30))) == counts(acknowledge_overdue=1)


# Deadlines missed: a task and an inbox item for the coordinator


@pytest.mark.django_db
def test_a_missed_acknowledgement_gets_one_task_and_inbox_item_for_the_coordinator():
    referral = sent_on(THANKSGIVING_EVE)

    assert follow_up_rules_run(now=at(MONDAY, 23))["acknowledge_overdue"] == 0
    assert follow_up_rules_run(now=at(TUESDAY))["acknowledge_overdue"] == 1
    assert follow_up_rules_run(now=at(TUESDAY, 10))["acknowledge_overdue"] == 0

    task = rule_tasks(f"referral-acknowledge-overdue:{referral.uuid}").get()
    assert task.case == referral.case
    assert task.assignee == referral.case.coordinator
    assert task.due_on == TUESDAY
    assert task.title == f"Referral not acknowledged: {referral.outside_provider}"
    assert task.created_by is None
    item = Notification.objects.get(kind=Notification.Kind.FOLLOW_UP_RULE)
    assert item.recipient == referral.case.coordinator
    assert item.params == {"title": task.title, "family": referral.case.family.name}
    assert item.url == reverse("referrals:referral-detail", args=[referral.uuid])


@pytest.mark.django_db
def test_a_deadline_missed_over_a_weekend_gives_a_task_due_on_monday():
    friday_deadline = ProgramFactory(name="One-day program", acknowledge_business_days=1)
    referral = sent_on(
        datetime.date(2025, 12, 11), need=NeedFactory(case=CaseFactory(program=friday_deadline))
    )

    follow_up_rules_run(now=at(datetime.date(2025, 12, 13)))

    task = rule_tasks(f"referral-acknowledge-overdue:{referral.uuid}").get()
    assert task.due_on == datetime.date(2025, 12, 15)


@pytest.mark.django_db
def test_a_follow_up_task_left_open_past_its_day_reaches_the_coordinators_inbox_once():
    referral = sent_on(THANKSGIVING_EVE)
    follow_up_rules_run(now=at(TUESDAY))

    assert follow_up_rules_run(now=at(WEDNESDAY))["overdue_task_items"] == 1
    assert follow_up_rules_run(now=at(WEDNESDAY, 10))["overdue_task_items"] == 0
    item = Notification.objects.get(kind=Notification.Kind.TASK_OVERDUE)
    assert item.recipient == referral.case.coordinator


@pytest.mark.django_db
def test_completing_the_task_does_not_bring_it_back():
    referral = sent_on(THANKSGIVING_EVE)
    follow_up_rules_run(now=at(TUESDAY))
    Task.objects.filter(case=referral.case).update(completed_at=timezone.now())

    assert follow_up_rules_run(now=at(TUESDAY, 12))["acknowledge_overdue"] == 0
    assert Task.objects.filter(case=referral.case).count() == 1


@pytest.mark.django_db
def test_an_acknowledged_referral_without_an_outcome_gets_the_outcome_task_only():
    referral = sent_on(
        THANKSGIVING_EVE, status=Referral.Status.ACCEPTED, acknowledged_at=at(THANKSGIVING_EVE)
    )
    after = referral.outcome_due + datetime.timedelta(days=1)

    assert follow_up_rules_run(now=at(after)) == counts(outcome_overdue=1)
    task = rule_tasks(f"referral-outcome-overdue:{referral.uuid}").get()
    assert task.title == f"No outcome for referral: {referral.outside_provider}"
    assert not rule_tasks(f"referral-acknowledge-overdue:{referral.uuid}").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [
        Referral.Status.COMPLETED,
        Referral.Status.REJECTED,
        Referral.Status.CANCELLED,
        Referral.Status.FAILED,
        Referral.Status.ON_HOLD,
    ],
)
def test_a_referral_with_an_outcome_or_on_hold_gets_nothing(status, mailoutbox):
    referral = sent_on(THANKSGIVING_EVE, status=status, status_reason="No places left.")

    for day in (FRIDAY, TUESDAY, referral.outcome_due, referral.outcome_due + datetime.timedelta(days=10)):
        assert follow_up_rules_run(now=at(day)) == NOTHING
    assert not Task.objects.filter(case=referral.case).exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_referral_on_a_closed_case_gets_nothing():
    referral = sent_on(THANKSGIVING_EVE, need=NeedFactory(case=CaseFactory(status=Case.Status.CLOSED)))

    assert follow_up_rules_run(now=at(THURSDAY)) == NOTHING
    assert not Task.objects.filter(case=referral.case).exists()


@pytest.mark.django_db
def test_a_referral_without_deadlines_gets_nothing():
    referral = ReferralFactory(requested_at=at(THANKSGIVING_EVE))

    assert follow_up_rules_run(now=at(THURSDAY + datetime.timedelta(days=60))) == NOTHING
    assert not Task.objects.filter(case=referral.case).exists()


@pytest.mark.django_db
def test_referral_to_a_directory_service_names_the_service_in_the_title():
    from tests.referrals.factories import ServiceFactory

    service = ServiceFactory(name="Speech Therapy Clinic", organization__name="Harbor Health")
    referral = sent_on(THANKSGIVING_EVE, service=service, outside_provider="")

    follow_up_rules_run(now=at(TUESDAY))

    task = rule_tasks(f"referral-acknowledge-overdue:{referral.uuid}").get()
    assert task.title == "Referral not acknowledged: Speech Therapy Clinic (Harbor Health)"


@pytest.mark.django_db
def test_a_coordinator_who_left_the_team_is_skipped_and_the_others_still_get_their_tasks():
    stale = sent_on(THANKSGIVING_EVE)
    stale.case.coordinator.teams.set([TeamFactory()])
    fine = sent_on(THANKSGIVING_EVE)

    assert follow_up_rules_run(now=at(TUESDAY))["acknowledge_overdue"] == 1
    assert not Task.objects.filter(case=stale.case).exists()
    assert rule_tasks(f"referral-acknowledge-overdue:{fine.uuid}").exists()


# Escalations to the team's supervisors


@pytest.mark.django_db
def test_a_deadline_missed_past_the_margin_is_escalated_once_to_the_teams_supervisors(supervisor, case):
    other_supervisor = SupervisorFactory(teams=[TeamFactory(name="Harbor")])
    referral = sent_on(THANKSGIVING_EVE, need=NeedFactory(case=case))

    # Due Monday; a margin of 2 business days runs through Wednesday.
    assert follow_up_rules_run(now=at(WEDNESDAY, 23))["escalations"] == 0
    assert follow_up_rules_run(now=at(THURSDAY))["escalations"] == 1
    assert follow_up_rules_run(now=at(THURSDAY, 10))["escalations"] == 0

    item = Notification.objects.get(kind=Notification.Kind.ESCALATION)
    assert item.recipient == supervisor
    assert item.urgent
    assert item.params == {
        "organization": referral.outside_provider,
        "family": case.family.name,
        "deadline": "acknowledge",
        "due_on": MONDAY.isoformat(),
        "coordinator": "Carmen Ortiz",
    }
    assert not Notification.objects.filter(recipient=other_supervisor).exists()
    referral.refresh_from_db()
    assert referral.acknowledge_escalated_at == at(THURSDAY)


@pytest.mark.django_db
def test_a_program_with_no_margin_escalates_the_day_after_the_deadline(supervisor, case):
    case.program = ProgramFactory(name="Urgent program", escalation_margin_business_days=0)
    case.save()
    sent_on(THANKSGIVING_EVE, need=NeedFactory(case=case))

    assert follow_up_rules_run(now=at(TUESDAY)) == counts(acknowledge_overdue=1, escalations=1)


@pytest.mark.django_db
def test_an_escalation_another_run_just_stamped_is_not_sent_again(monkeypatch, supervisor, case):
    import referrals.followups

    referral = sent_on(THANKSGIVING_EVE, need=NeedFactory(case=case))
    real_supervisors = referrals.followups._supervisors_by_team

    def other_run_got_there_first(team_ids):
        Referral.objects.filter(pk=referral.pk).update(acknowledge_escalated_at=at(THURSDAY))
        return real_supervisors(team_ids)

    monkeypatch.setattr(referrals.followups, "_supervisors_by_team", other_run_got_there_first)

    assert follow_up_rules_run(now=at(THURSDAY, 10))["escalations"] == 0
    assert not Notification.objects.filter(kind=Notification.Kind.ESCALATION).exists()


@pytest.mark.django_db
def test_a_deadline_met_after_its_task_is_not_escalated(supervisor, case):
    referral = sent_on(THANKSGIVING_EVE, need=NeedFactory(case=case))
    follow_up_rules_run(now=at(TUESDAY))
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.ACCEPTED, acknowledged_at=at(WEDNESDAY), accepted_at=at(WEDNESDAY)
    )

    assert follow_up_rules_run(now=at(THURSDAY))["escalations"] == 0


# Bounded work


@pytest.mark.django_db
def test_a_run_with_nothing_new_asks_a_fixed_number_of_queries(supervisor):
    case = CaseFactory(coordinator__teams=[supervisor.teams.get()], family__team=supervisor.teams.get())
    child = ChildFactory(family=case.family)

    def add_followed_up_rows(count):
        for _ in range(count):
            sent_on(THANKSGIVING_EVE, need=NeedFactory(case=case))
            AppointmentFactory(case=case, child=child, status=Appointment.Status.MISSED)
        follow_up_rules_run(now=at(THURSDAY))  # done already: the counted runs find nothing new

    def load():
        assert follow_up_rules_run(now=at(THURSDAY, 12)) == NOTHING

    assert_queries_bounded(add_rows=add_followed_up_rows, load=load, ceiling=17)


@pytest.mark.django_db
def test_a_run_overlapping_another_skips_the_task_the_other_just_made(monkeypatch):
    import referrals.followups

    referral = sent_on(THANKSGIVING_EVE)
    real_create_once = referrals.followups.task_create_once

    def other_run_got_there_first(**kwargs):
        real_create_once(**kwargs)
        raise IntegrityError("duplicate key value violates unique constraint task_rule_key_unique")

    monkeypatch.setattr(referrals.followups, "task_create_once", other_run_got_there_first)

    assert follow_up_rules_run(now=at(TUESDAY)) == NOTHING
    assert rule_tasks(f"referral-acknowledge-overdue:{referral.uuid}").count() == 1


@pytest.mark.django_db
def test_any_other_integrity_error_is_raised(monkeypatch):
    import referrals.followups

    sent_on(THANKSGIVING_EVE)

    def broken(**kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(referrals.followups, "task_create_once", broken)

    with pytest.raises(IntegrityError):
        follow_up_rules_run(now=at(TUESDAY))


# Missed appointments


@pytest.mark.django_db
def test_missed_appointment_gets_one_task_once():
    appointment = AppointmentFactory(
        provider="Dr. Rivera, Neuromuscular Clinic",
        start=timezone.now() - datetime.timedelta(days=1),
        status=Appointment.Status.MISSED,
    )

    assert follow_up_rules_run() == counts(appointments_missed=1)
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
    sent_days_ago(30)
    AppointmentFactory(status=Appointment.Status.MISSED)
    AppointmentFactory(status=Appointment.Status.MISSED)
    out = StringIO()

    call_command("run_follow_up_rules", stdout=out)

    assert "1 for referrals not acknowledged" in out.getvalue()
    assert "1 for referrals without an outcome" in out.getvalue()
    assert "2 for missed appointments" in out.getvalue()
    assert Task.objects.count() == 4


@pytest.mark.django_db
def test_the_celery_task_runs_the_rules_and_returns_the_counts():
    from referrals.tasks import run_follow_up_rules

    sent_days_ago(8)

    assert run_follow_up_rules.apply().get()["acknowledge_overdue"] == 1


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
            assert counts["acknowledge_overdue"] == 1
            task = rule_tasks(f"referral-acknowledge-overdue:{referral.uuid}").get()
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
