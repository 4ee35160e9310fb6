"""Every service that changes an existing record needs the version its user saw (carecoord.services).

One table of the edit services: for each, a change sent without a version
changes nothing and says why; one sent on an older version changes nothing and
says the record changed meanwhile, naming who changed it. The same change sent
twice by the same person (a double click) stands as saved.
"""

import datetime
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseEvent, Family, Need, Task
from notifications.models import Notification
from referrals import appointments as appointment_services
from referrals import services as referral_services
from referrals.models import Appointment, Referral, ReferralEvent
from supervision.services import cases_reassign
from tests.cases.factories import (
    CaregiverFactory,
    CaseFactory,
    EDVisitFactory,
    FamilyFactory,
    GoalFactory,
    NeedFactory,
    TaskFactory,
)
from tests.referrals.factories import AppointmentFactory, ReferralFactory

pytestmark = pytest.mark.django_db

MISSING = "did not say which version"
STALE = "since you opened it"


def _in_days(days, hour=10):
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _referral(people, status="requested"):
    need = NeedFactory(case=people["case"], child=people["mateo"], category_code="physical_therapy")
    return ReferralFactory(need=need, status=status, sent_to="intake@therapy.example.org")


def _booked(people):
    referral = _referral(people, status="accepted")
    appointment = AppointmentFactory(
        case=people["case"],
        child=people["mateo"],
        referral=referral,
        proposed_by_organization=True,
        start=_in_days(5),
    )
    return referral, appointment


# Each entry: people -> (the record whose version is checked, a call of the service at a given version).
# Everything but the version is right, so only the version can refuse the change.


def _family_update(p):
    return p["family"], lambda v: case_services.family_update(
        family=p["family"], actor=p["coordinator"], version=v, name="Renamed household"
    )


def _family_archive(p):
    family = FamilyFactory(team=p["team"])
    return family, lambda v: case_services.family_archive(
        family=family, actor=p["coordinator"], reason="Moved away", version=v
    )


def _family_unarchive(p):
    family = FamilyFactory(team=p["team"], archived_at=timezone.now(), archived_reason="Moved away")
    return family, lambda v: case_services.family_unarchive(family=family, actor=p["coordinator"], version=v)


def _caregiver_update(p):
    caregiver = CaregiverFactory(family=p["family"])
    return caregiver, lambda v: case_services.caregiver_update(
        caregiver=caregiver, actor=p["coordinator"], version=v, first_name="Renamed"
    )


def _child_update(p):
    return p["mateo"], lambda v: case_services.child_update(
        child=p["mateo"], actor=p["coordinator"], version=v, conditions="Asthma"
    )


def _consent_withdraw(p):
    return p["consent"], lambda v: case_services.consent_withdraw(
        consent=p["consent"], actor=p["coordinator"], reason="The family asked", version=v
    )


def _case_update(p):
    return p["case"], lambda v: case_services.case_update(
        case=p["case"], actor=p["coordinator"], version=v, summary="New summary"
    )


def _case_activate(p):
    case = CaseFactory(family=FamilyFactory(team=p["team"]), coordinator=p["coordinator"], status="intake")
    return case, lambda v: case_services.case_activate(case=case, actor=p["coordinator"], version=v)


def _case_request_closure(p):
    return p["case"], lambda v: case_services.case_request_closure(
        case=p["case"], actor=p["coordinator"], reason="goals_met", version=v
    )


def _closure_requested(p):
    return CaseFactory(
        family=FamilyFactory(team=p["team"]), coordinator=p["coordinator"], status="closure_requested"
    )


def _case_approve_closure(p):
    case = _closure_requested(p)
    return case, lambda v: case_services.case_approve_closure(case=case, actor=p["supervisor"], version=v)


def _case_return_closure(p):
    case = _closure_requested(p)
    return case, lambda v: case_services.case_return_closure(
        case=case, actor=p["supervisor"], comment="Call once more", version=v
    )


def _case_reopen(p):
    case = CaseFactory(family=FamilyFactory(team=p["team"]), coordinator=p["coordinator"], status="closed")
    return case, lambda v: case_services.case_reopen(
        case=case, actor=p["coordinator"], reason="They called back", version=v
    )


def _case_reassign(p):
    return p["case"], lambda v: case_services.case_reassign(
        case=p["case"], actor=p["supervisor"], coordinator=p["colleague"], reason="Leave", version=v
    )


def _case_review(p):
    return p["case"], lambda v: case_services.case_review(
        case=p["case"], actor=p["supervisor"], note="On track.", version=v
    )


def _cases_reassign(p):
    case = p["case"]
    return case, lambda v: cases_reassign(
        cases=[case],
        versions={} if v is None else {str(case.uuid): v},
        coordinator=p["colleague"],
        reason="Leave",
        actor=p["supervisor"],
    )


def _need_update(p):
    need = NeedFactory(case=p["case"])
    return need, lambda v: case_services.need_update(
        need=need, actor=p["coordinator"], version=v, description="Changed"
    )


def _need_transition(p):
    need = NeedFactory(case=p["case"])
    return need, lambda v: case_services.need_transition(
        need=need, actor=p["coordinator"], to=Need.Status.IN_PROGRESS, version=v
    )


def _goal_update(p):
    goal = GoalFactory(case=p["case"])
    return goal, lambda v: case_services.goal_update(
        goal=goal, actor=p["coordinator"], version=v, description="Changed"
    )


def _task_complete(p):
    task = TaskFactory(case=p["case"])
    return task, lambda v: case_services.task_complete(task=task, actor=p["coordinator"], version=v)


def _edvisit_update(p):
    visit = EDVisitFactory(child=p["mateo"])
    return visit, lambda v: case_services.edvisit_update(
        visit=visit, actor=p["coordinator"], version=v, hospital="Riverton General"
    )


def _referral_transition(p):
    referral = _referral(p)
    return referral, lambda v: referral_services.referral_transition(
        referral=referral, to=Referral.Status.ACCEPTED, actor=p["coordinator"], version=v
    )


def _referral_resend(p):
    referral = _referral(p)
    return referral, lambda v: referral_services.referral_resend(
        referral=referral, actor=p["coordinator"], sent_to="new@therapy.example.org", version=v
    )


def _referral_link_revoke(p):
    referral = _referral(p)
    return referral, lambda v: referral_services.referral_link_revoke(
        referral=referral, actor=p["coordinator"], version=v
    )


def _organization_answer(p):
    referral = _referral(p)
    return referral, lambda v: referral_services.organization_answer(
        referral=referral, answer="accept", version=v
    )


def _organization_propose_appointment(p):
    referral = _referral(p)
    return referral, lambda v: referral_services.organization_propose_appointment(
        referral=referral, version=v, start=_in_days(5), duration_minutes=45, place="Harbor clinic"
    )


def _organization_appointment_update(p):
    referral, appointment = _booked(p)
    return appointment, lambda v: referral_services.organization_appointment_update(
        referral=referral, appointment=appointment, version=v, place="Another room"
    )


def _organization_appointment_cancel(p):
    referral, appointment = _booked(p)
    return appointment, lambda v: referral_services.organization_appointment_cancel(
        referral=referral, appointment=appointment, version=v
    )


def _appointment_update(p):
    appointment = AppointmentFactory(case=p["case"], child=p["mateo"])
    return appointment, lambda v: appointment_services.appointment_update(
        appointment=appointment, actor=p["coordinator"], version=v, place="Another room"
    )


def _appointment_set_status(p):
    appointment = AppointmentFactory(case=p["case"], child=p["mateo"])
    return appointment, lambda v: appointment_services.appointment_set_status(
        appointment=appointment, actor=p["coordinator"], status=Appointment.Status.CANCELLED, version=v
    )


EDIT_SERVICES = {
    "family_update": _family_update,
    "family_archive": _family_archive,
    "family_unarchive": _family_unarchive,
    "caregiver_update": _caregiver_update,
    "child_update": _child_update,
    "consent_withdraw": _consent_withdraw,
    "case_update": _case_update,
    "case_activate": _case_activate,
    "case_request_closure": _case_request_closure,
    "case_approve_closure": _case_approve_closure,
    "case_return_closure": _case_return_closure,
    "case_reopen": _case_reopen,
    "case_reassign": _case_reassign,
    "case_review": _case_review,
    "cases_reassign (supervision)": _cases_reassign,
    "need_update": _need_update,
    "need_transition": _need_transition,
    "goal_update": _goal_update,
    "task_complete": _task_complete,
    "edvisit_update": _edvisit_update,
    "referral_transition": _referral_transition,
    "referral_resend": _referral_resend,
    "referral_link_revoke": _referral_link_revoke,
    "organization_answer": _organization_answer,
    "organization_propose_appointment": _organization_propose_appointment,
    "organization_appointment_update": _organization_appointment_update,
    "organization_appointment_cancel": _organization_appointment_cancel,
    "appointment_update": _appointment_update,
    "appointment_set_status": _appointment_set_status,
}
NAMES = list(EDIT_SERVICES)  # a list, so every xdist worker collects the same tests


@pytest.fixture
def people(team, coordinator, colleague, supervisor, family, mateo, case, consent):
    return {
        "team": team,
        "coordinator": coordinator,
        "colleague": colleague,
        "supervisor": supervisor,
        "family": family,
        "mateo": mateo,
        "case": case,
        "consent": consent,
    }


def _state(record):
    """Everything an edit could have changed: the record's row and what services write beside it."""
    return (
        type(record).objects.filter(pk=record.pk).values().get(),
        CaseEvent.objects.count(),
        ReferralEvent.objects.count(),
        Notification.objects.count(),
        Task.objects.count(),
        Appointment.objects.count(),
        len(mail.outbox),
    )


def _message(error):
    return " ".join(error.value.messages)


@pytest.mark.parametrize("service", NAMES)
def test_an_edit_without_a_version_changes_nothing_and_says_why(
    people, service, django_capture_on_commit_callbacks
):
    record, call = EDIT_SERVICES[service](people)
    before = _state(record)
    for missing in (None, ""):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
            call(missing)
        assert MISSING in _message(refused)
    assert _state(record) == before


@pytest.mark.parametrize("service", NAMES)
def test_an_edit_on_an_older_version_changes_nothing_and_says_the_record_changed_meanwhile(
    people, service, django_capture_on_commit_callbacks
):
    record, call = EDIT_SERVICES[service](people)
    opened = type(record).objects.get(pk=record.pk).version
    # Jordan saves the record after the form was opened.
    type(record).objects.filter(pk=record.pk).update(version=F("version") + 1, updated_by=people["colleague"])
    before = _state(record)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        call(opened)
    assert STALE in _message(refused)
    assert "Jordan Lee" in _message(refused)
    assert _state(record) == before


@pytest.mark.parametrize("service", NAMES)
def test_an_edit_on_the_version_seen_is_saved(people, service):
    record, call = EDIT_SERVICES[service](people)
    opened = type(record).objects.get(pk=record.pk).version
    call(opened)
    assert type(record).objects.get(pk=record.pk).version > opened


# The same change sent twice by the same person (a double click, a form sent again) stands as saved.

REPEATABLE = [
    "family_archive",
    "family_unarchive",
    "consent_withdraw",
    "case_reassign",
    "case_review",
    "cases_reassign (supervision)",
    "task_complete",
    "referral_resend",
    "organization_answer",
    "organization_appointment_cancel",
    "appointment_set_status",
]


@pytest.mark.parametrize("service", REPEATABLE)
def test_the_same_change_sent_twice_stands_once(people, service, django_capture_on_commit_callbacks):
    record, call = EDIT_SERVICES[service](people)
    opened = type(record).objects.get(pk=record.pk).version
    with django_capture_on_commit_callbacks(execute=True):
        call(opened)
    after_first = _state(record)
    with django_capture_on_commit_callbacks(execute=True):
        call(opened)
    assert _state(record) == after_first


def test_a_review_sent_again_with_other_words_on_the_old_page_is_refused(people):
    _record, review = EDIT_SERVICES["case_review"](people)
    opened = people["case"].version
    review(opened)
    with pytest.raises(ValidationError, match=STALE):
        case_services.case_review(
            case=people["case"], actor=people["supervisor"], note="Other.", version=opened
        )
    assert people["case"].events.filter(kind=CaseEvent.Kind.REVIEWED).count() == 1


def test_a_resend_on_the_old_page_to_another_address_is_refused(people, mailoutbox):
    referral, resend = EDIT_SERVICES["referral_resend"](people)
    opened = referral.version
    resend(opened)
    with pytest.raises(ValidationError, match=STALE):
        referral_services.referral_resend(
            referral=referral,
            actor=people["coordinator"],
            sent_to="other@therapy.example.org",
            version=opened,
        )
    assert Referral.objects.get(pk=referral.pk).sent_to == "new@therapy.example.org"


def test_someone_elses_identical_change_is_not_taken_for_a_repeat(people):
    task = TaskFactory(case=people["case"])
    case_services.task_complete(task=task, actor=people["colleague"], version=task.version)
    with pytest.raises(ValidationError, match=STALE):
        case_services.task_complete(task=task, actor=people["coordinator"], version=task.version)
    assert Task.objects.get(pk=task.pk).completed_by == people["colleague"]


def test_the_attended_cascade_meets_the_need_as_it_is_now(people):
    """Recording "attended" meets the referral's need without a form of the need: the need is moved at
    its current version, under its row lock."""
    referral = _referral(people, status="accepted")
    need = Need.objects.get(pk=referral.need_id)
    case_services.need_update(
        need=need, actor=people["colleague"], version=need.version, description="Edited"
    )
    appointment = AppointmentFactory(
        case=people["case"], child=people["mateo"], referral=referral, start=timezone.now()
    )
    appointment_services.appointment_set_status(
        appointment=appointment,
        actor=people["coordinator"],
        status=Appointment.Status.ATTENDED,
        version=appointment.version,
        mark_need_met=True,
    )
    assert Need.objects.get(pk=need.pk).status == Need.Status.MET


def test_a_family_kept_on_an_old_page_is_not_archived_behind_someones_edit(people):
    family = FamilyFactory(team=people["team"])
    opened = family.version
    case_services.family_update(family=family, actor=people["colleague"], version=opened, name="New name")
    with pytest.raises(ValidationError, match=STALE):
        case_services.family_archive(
            family=family, actor=people["coordinator"], reason="Moved", version=opened
        )
    assert not Family.objects.get(pk=family.pk).is_archived
    assert Case.objects.filter(family=family).count() == 0


# The pages: every form and button that changes an existing record posts the version it showed.


class _Forms(HTMLParser):
    """The post forms of a page: their action and the values they would submit."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "values": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self._form["values"].setdefault(attrs["name"], attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._form["values"][self._textarea] = ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select:
            if self._select not in self._form["values"] or "selected" in attrs:
                self._form["values"][self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["values"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _form(client, page, *, action=None, answer=None):
    """The values of the form posting to ``action`` (or to the page itself, or answering ``answer``)."""
    parser = _Forms()
    parser.feed(client.get(page).content.decode())
    for form in parser.forms:
        target = form["action"] or page
        if answer is not None and form["values"].get("action") == answer:
            return target, dict(form["values"])
        if answer is None and target == (action or page):
            return target, dict(form["values"])
    raise AssertionError(f"No form posting to {action or page} on {page}")


def _without_version(values):
    return {
        name: value
        for name, value in values.items()
        if name != "version" and not name.endswith("-version") and not name.startswith("version-")
    }


def _fresh(record):
    return type(record).objects.get(pk=record.pk)


def _page_archive(p):
    family = FamilyFactory(team=p["team"])
    page = reverse("cases:family-archive", args=[family.uuid])
    return p["coordinator"], page, {}, {"reason": "Moved away"}, lambda: _fresh(family).is_archived


def _page_restore(p):
    family = FamilyFactory(team=p["team"], archived_at=timezone.now(), archived_reason="Moved away")
    page = reverse("cases:family-detail", args=[family.uuid])
    action = {"action": reverse("cases:family-unarchive", args=[family.uuid])}
    return p["coordinator"], page, action, {}, lambda: not _fresh(family).is_archived


def _page_withdraw_consent(p):
    page = reverse("cases:consent-withdraw", args=[p["consent"].uuid])
    return p["coordinator"], page, {}, {"reason": "Asked"}, lambda: _fresh(p["consent"]).withdrawn_at


def _page_complete_task(p):
    task = TaskFactory(case=p["case"])
    page = reverse("cases:case-detail", args=[p["case"].uuid])
    action = {"action": reverse("cases:task-complete", args=[task.uuid])}
    return p["coordinator"], page, action, {}, lambda: _fresh(task).completed_at


def _page_activate(p):
    case = CaseFactory(family=FamilyFactory(team=p["team"]), coordinator=p["coordinator"], status="intake")
    page = reverse("cases:case-detail", args=[case.uuid])
    action = {"action": reverse("cases:case-activate", args=[case.uuid])}
    return p["coordinator"], page, action, {}, lambda: _fresh(case).status == Case.Status.ACTIVE


def _page_need_status(p):
    need = NeedFactory(case=p["case"])
    page = reverse("cases:need-status", args=[need.uuid])
    fill = {"status": Need.Status.IN_PROGRESS}
    return p["coordinator"], page, {}, fill, lambda: _fresh(need).status == Need.Status.IN_PROGRESS


def _page_request_closure(p):
    page = reverse("cases:case-closure-request", args=[p["case"].uuid])
    fill = {"reason": "goals_met"}
    return p["coordinator"], page, {}, fill, lambda: _fresh(p["case"]).status == Case.Status.CLOSURE_REQUESTED


def _page_resend(p):
    referral = _referral(p)
    page = reverse("referrals:referral-detail", args=[referral.uuid])
    fill = {"sent_to": "new@therapy.example.org"}
    return p["coordinator"], page, {}, fill, lambda: _fresh(referral).sent_to == "new@therapy.example.org"


def _page_revoke_link(p):
    referral = _referral(p)
    page = reverse("referrals:referral-detail", args=[referral.uuid])
    action = {"action": reverse("referrals:referral-link-revoke", args=[referral.uuid])}
    return p["coordinator"], page, action, {}, lambda: _fresh(referral).link_key != referral.link_key


def _page_referral_status(p):
    referral = _referral(p)
    page = reverse("referrals:referral-detail", args=[referral.uuid])
    action = {"action": reverse("referrals:referral-status", args=[referral.uuid])}
    fill = {"status": Referral.Status.ACCEPTED}
    return p["coordinator"], page, action, fill, lambda: _fresh(referral).status == Referral.Status.ACCEPTED


def _page_organization_accepts(p):
    referral = _referral(p)
    page = reverse("referrals:organization-link", args=[referral_services.referral_link_token(referral)])
    saved = lambda: _fresh(referral).status == Referral.Status.ACCEPTED  # noqa: E731
    return None, page, {"answer": "accept"}, {}, saved


def _page_organization_proposes(p):
    referral = _referral(p)
    page = reverse("referrals:organization-link", args=[referral_services.referral_link_token(referral)])
    fill = {
        "propose-start": _in_days(5).strftime("%Y-%m-%dT%H:%M"),
        "propose-place": "Harbor clinic",
    }
    return None, page, {"answer": "propose"}, fill, lambda: referral.appointments.exists()


def _page_review(p):
    page = reverse("supervision:case-review", args=[p["case"].uuid])
    return p["supervisor"], page, {}, {"note": "On track."}, lambda: _fresh(p["case"]).reviewed_at


def _page_reassign(p):
    page = reverse("supervision:reassign") + f"?cases={p['case'].uuid}"
    fill = {"coordinator": str(p["colleague"].uuid), "reason": "Leave"}
    saved = lambda: _fresh(p["case"]).coordinator == p["colleague"]  # noqa: E731
    return p["supervisor"], page, {"action": reverse("supervision:reassign")}, fill, saved


def _page_reassign_from_a_list(p):
    page = reverse("supervision:case-list") + "?measure=open"
    fill = {"cases": str(p["case"].uuid), "coordinator": str(p["colleague"].uuid), "reason": "Leave"}
    saved = lambda: _fresh(p["case"]).coordinator == p["colleague"]  # noqa: E731
    return p["supervisor"], page, {"action": reverse("supervision:reassign")}, fill, saved


PAGES = {
    "archive a family": _page_archive,
    "restore a family": _page_restore,
    "withdraw a consent": _page_withdraw_consent,
    "complete a task": _page_complete_task,
    "start working a case": _page_activate,
    "change a need's status": _page_need_status,
    "request closure": _page_request_closure,
    "send a referral again": _page_resend,
    "revoke the organization's link": _page_revoke_link,
    "change a referral's status": _page_referral_status,
    "the organization accepts": _page_organization_accepts,
    "the organization proposes an appointment": _page_organization_proposes,
    "review a case": _page_review,
    "reassign a case": _page_reassign,
    "reassign cases from a list": _page_reassign_from_a_list,
}
PAGE_NAMES = list(PAGES)


def _open(client, people, page_name):
    user, page, where, fill, saved = PAGES[page_name](people)
    if user is not None:
        client.force_login(user)
    target, values = _form(client, page, **where)
    return target, {**values, **fill}, saved


@pytest.mark.parametrize("page_name", PAGE_NAMES)
def test_the_page_posts_the_version_it_showed_and_the_change_is_saved(client, people, page_name):
    target, values, saved = _open(client, people, page_name)
    assert values != _without_version(values), "the form carries no version"
    client.post(target, values)
    assert saved()


@pytest.mark.parametrize("page_name", PAGE_NAMES)
def test_a_post_without_the_version_changes_nothing_and_says_why(client, people, page_name):
    target, values, saved = _open(client, people, page_name)
    response = client.post(target, _without_version(values), follow=True)
    assert MISSING in response.content.decode()
    assert not saved()


def test_a_refused_stale_answer_is_offered_again_at_the_current_version(client, people):
    """The form refused as stale comes back at the record's current version (its prefixed field too), so
    the organization can read the page again and answer."""
    referral = _referral(people)
    page = reverse("referrals:organization-link", args=[referral_services.referral_link_token(referral)])
    target, values = _form(client, page, answer="accept")
    Referral.objects.filter(pk=referral.pk).update(version=F("version") + 1)
    response = client.post(target, values)
    assert STALE in response.content.decode()
    assert _fresh(referral).status == Referral.Status.REQUESTED
    parser = _Forms()
    parser.feed(response.content.decode())
    [again] = [form["values"] for form in parser.forms if form["values"].get("action") == "accept"]
    assert again["accept-version"] == str(_fresh(referral).version)
    client.post(target, again)
    assert _fresh(referral).status == Referral.Status.ACCEPTED


def test_a_resend_from_a_tab_older_than_the_same_persons_status_change_is_refused(people, mailoutbox):
    """Only the resend just made counts as a repeat, not another change the same person made meanwhile."""
    referral = _referral(people)
    opened = referral.version
    referral_services.referral_transition(
        referral=referral, to=Referral.Status.ACCEPTED, actor=people["coordinator"], version=opened
    )
    with pytest.raises(ValidationError, match=STALE):
        referral_services.referral_resend(
            referral=referral, actor=people["coordinator"], sent_to=referral.sent_to, version=opened
        )
    assert not _fresh(referral).events.filter(note__startswith="Sent again").exists()
