"""Generated input through every form page: never a server error, and a refusal writes nothing.

``PAGES`` lists a page for every form of the application (``test_every_form_has_a_page``
fails for a form that has none). For each page, the test reads the page's own
form as a browser would and posts generated data back through the view:
fields missing, as offered, well-formed, or odd (any unicode, NUL bytes, very
long text, impossible dates, numbers past every range, the Harbor team's
records), and fields the form does not have. Every answer must be below 500;
an answer that is not the page's success (a redirect) must have written
nothing; and no answer may change the Harbor household, whose records are
offered in every choice. On SQLite as on PostgreSQL, a NUL byte reaching the
database fails the test (``inputs.Watch`` refuses it as PostgreSQL's driver
does).

Each example runs in a savepoint that is rolled back, so every example meets
the same records (hence the function-scoped fixtures health check is off).
"""

from dataclasses import dataclass

import pytest
from auditlog.models import LogEntry
from django import forms as django_forms
from django.test import Client
from django.urls import get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.forms import (
    AdminSignInForm,
    EnrolmentCodeForm,
    SignInForm,
    TwoFactorCodeForm,
)
from carecoord.forms import StatusChangeForm, VersionedForm
from cases.forms import (
    ActivityForm,
    CaregiverForm,
    CaseFilterForm,
    CaseForm,
    CaseMoveForm,
    ChildForm,
    ClosureApproveForm,
    ClosureRequestForm,
    ClosureReturnForm,
    ConsentForm,
    EDVisitForm,
    EmergencyAccessForm,
    FamilyForm,
    GoalForm,
    IntakeCaseForm,
    IntakeConsentForm,
    IntakeNeedForm,
    NeedForm,
    NeedStatusForm,
    ReasonForm,
    ReopenForm,
    TaskForm,
)
from cases.intake import IntakeTeamForm
from cases.models import Caregiver, Case, Child, Family
from notifications.forms import PreferencesForm
from portal import services as portal_services
from portal.forms import AcceptInvitationForm
from referrals.appointment_forms import AppointmentForm, AppointmentOutcomeForm
from referrals.forms import DirectorySearchForm, ReferralForm, ReferralStatusForm, ResendForm
from referrals.organization_forms import (
    AcceptForm,
    AppointmentFieldsForm,
    CancelAppointmentForm,
    ChangeAppointmentForm,
    DeclineForm,
    DeliveredForm,
    ProposeAppointmentForm,
    ReferralAnswerForm,
)
from referrals.services import referral_link_token
from screening.forms import (
    AnswersForm,
    ProposalConfirmForm,
    ProposalDismissForm,
    ScreeningStartForm,
    SendForm,
)
from supervision.forms import CoordinatorFilterForm, ReassignForm, ReportFilterForm, ReviewForm
from tests.cases.factories import CaregiverFactory, CaseFactory, EDVisitFactory, GoalFactory, NeedFactory
from tests.database import changed_tables, database_state, rolled_back
from tests.referrals.factories import AppointmentFactory, ReferralFactory, ServiceFactory
from tests.screening import factories as screening_factories

from .inputs import Field, Form, page_forms, posted_data, too_long, watched

pytestmark = pytest.mark.django_db

# Forms that are only ever the base of another.
BASES = {VersionedForm, StatusChangeForm, CaseMoveForm, AppointmentFieldsForm, ReferralAnswerForm}


def uuid_of(fixture, name, **query):
    """The address of ``name`` for the record ``fixture`` (its uuid in the path)."""

    def address(get):
        url = reverse(name, args=[get(fixture).uuid])
        return url + "".join(f"?{key}={get(value).uuid}" for key, value in query.items())

    return address


def plain(name, query="", **kwargs):
    def address(get):
        return reverse(name, kwargs=kwargs or None) + query

    return address


def queried(name, key, fixture):
    def address(get):
        return f"{reverse(name)}?{key}={get(fixture).uuid}"

    return address


def token_of(name, fixture):
    def address(get):
        return reverse(name, args=[get(fixture)])

    return address


@dataclass(frozen=True)
class Page:
    id: str
    address: object  # (fixture getter) -> URL
    forms: tuple  # the form classes the page runs
    actor: str = "coordinator"  # a fixture of the shared cast, or "anonymous"
    method: str = "post"
    fields: Form | None = None  # the form's fields, when the page shows them as links, not a form
    writes_when_refused: bool = False  # a refusal that is itself recorded (failed sign-ins, codes)


PAGES = [
    # The household and its people.
    Page("family-edit", uuid_of("family", "cases:family-edit"), (FamilyForm,)),
    Page("family-archive", uuid_of("family", "cases:family-archive"), (ReasonForm,)),
    Page("caregiver-add", uuid_of("family", "cases:caregiver-add"), (CaregiverForm,)),
    Page("caregiver-edit", uuid_of("caregiver", "cases:caregiver-edit"), (CaregiverForm,)),
    Page("child-add", uuid_of("family", "cases:child-add"), (ChildForm,)),
    Page("child-edit", uuid_of("mateo", "cases:child-edit"), (ChildForm,)),
    Page("consent-add", uuid_of("family", "cases:consent-add"), (ConsentForm,)),
    Page("consent-withdraw", uuid_of("consent", "cases:consent-withdraw"), (ReasonForm,)),
    Page("edvisit-add", uuid_of("mateo", "cases:edvisit-add"), (EDVisitForm,)),
    Page("edvisit-edit", uuid_of("ed_visit", "cases:edvisit-edit"), (EDVisitForm,)),
    Page(
        "intake",
        plain("cases:intake"),
        (
            IntakeTeamForm,
            FamilyForm,
            CaregiverForm,
            ChildForm,
            IntakeCaseForm,
            IntakeNeedForm,
            IntakeConsentForm,
        ),
    ),
    # The case and its parts.
    Page("case-open", uuid_of("family", "cases:case-open"), (CaseForm,)),
    # Carmen asks for emergency access to the Harbor case.
    Page("emergency-access", uuid_of("other_case", "cases:emergency-access"), (EmergencyAccessForm,)),
    Page("case-edit", uuid_of("case", "cases:case-edit"), (CaseForm,)),
    Page("need-add", uuid_of("case", "cases:need-add"), (NeedForm,)),
    Page("need-edit", uuid_of("need", "cases:need-edit"), (NeedForm,)),
    Page("need-status", uuid_of("need", "cases:need-status"), (NeedStatusForm,)),
    Page("goal-add", uuid_of("case", "cases:goal-add"), (GoalForm,)),
    Page("goal-edit", uuid_of("goal", "cases:goal-edit"), (GoalForm,)),
    Page("activity-add", uuid_of("case", "cases:activity-add"), (ActivityForm,)),
    Page("task-add", uuid_of("case", "cases:task-add"), (TaskForm,)),
    Page("closure-request", uuid_of("case", "cases:case-closure-request"), (ClosureRequestForm,)),
    Page(
        "closure-approve",
        uuid_of("closing_case", "cases:case-closure-approve"),
        (ClosureApproveForm,),
        actor="supervisor",
    ),
    Page(
        "closure-return",
        uuid_of("closing_case", "cases:case-closure-return"),
        (ClosureReturnForm,),
        actor="supervisor",
    ),
    Page("reopen", uuid_of("closed_case", "cases:case-reopen"), (ReopenForm,)),
    Page("caseload", plain("cases:caseload"), (CaseFilterForm,), method="get"),
    # Referrals, appointments, the directory.
    Page("referral-new", queried("referrals:referral-new", "need", "need"), (ReferralForm,)),
    Page("referral-status", uuid_of("referral", "referrals:referral-status"), (ReferralStatusForm,)),
    Page("referral-resend", uuid_of("referral", "referrals:referral-detail"), (ResendForm,)),
    Page("appointment-new", queried("referrals:appointment-new", "case", "case"), (AppointmentForm,)),
    Page("appointment-edit", uuid_of("appointment", "referrals:appointment-edit"), (AppointmentForm,)),
    Page(
        "appointment-outcome",
        uuid_of("referred_appointment", "referrals:appointment-outcome"),
        (AppointmentOutcomeForm,),
    ),
    Page("directory", plain("referrals:directory-search"), (DirectorySearchForm,), method="get"),
    # The receiving organization's page, without an account.
    Page(
        "organization-answer",
        token_of("referrals:organization-link", "organization_token"),
        (AcceptForm, DeclineForm, DeliveredForm, ProposeAppointmentForm),
        actor="anonymous",
    ),
    Page(
        "organization-booked",
        token_of("referrals:organization-link", "booked_organization_token"),
        (ChangeAppointmentForm, CancelAppointmentForm),
        actor="anonymous",
    ),
    # The portal invitation, without an account.
    Page(
        "invitation-accept",
        token_of("portal:invitation-accept", "invitation_token"),
        (AcceptInvitationForm,),
        actor="anonymous",
    ),
    # Two-factor sign-in: every wrong code is counted (throttling), and setting up starts a device.
    Page(
        "two-factor-setup",
        plain("accounts:two-factor-setup"),
        (EnrolmentCodeForm,),
        writes_when_refused=True,
    ),
    Page(
        "two-factor-verify",
        plain("accounts:two-factor-verify"),
        (TwoFactorCodeForm,),
        actor="enrolled_coordinator",
        writes_when_refused=True,
    ),
    # Social-needs screening.
    Page(
        "screening-new",
        lambda get: (
            f"{reverse('screening:screening-new', args=[get('case').uuid])}?instrument={get('hvs').uuid}"
        ),
        (ScreeningStartForm, AnswersForm),
    ),
    Page(
        "screening-answers", uuid_of("screening_in_progress", "screening:screening-answers"), (AnswersForm,)
    ),
    Page("screening-send", uuid_of("case", "screening:screening-send"), (SendForm,)),
    Page(
        "screening-withdraw", uuid_of("screening_in_progress", "screening:screening-withdraw"), (ReasonForm,)
    ),
    Page("proposal-confirm", uuid_of("proposal", "screening:proposal-confirm"), (ProposalConfirmForm,)),
    Page("proposal-dismiss", uuid_of("proposal", "screening:proposal-dismiss"), (ProposalDismissForm,)),
    # Supervision.
    Page(
        "supervision-lists",
        plain("supervision:case-list"),
        (CoordinatorFilterForm,),
        actor="supervisor",
        method="get",
        fields=Form(
            "",
            "get",
            {
                "coordinator": Field("coordinator", "select"),
                "measure": Field("measure", "select", ["open", "no_contact", "not_reviewed", "closures"]),
                "page": Field("page", "number"),
            },
        ),
    ),
    Page("reassign", plain("supervision:reassign"), (ReassignForm,), actor="supervisor"),
    Page("case-review", uuid_of("case", "supervision:case-review"), (ReviewForm,), actor="supervisor"),
    Page("reports", plain("supervision:reports"), (ReportFilterForm,), actor="supervisor", method="get"),
    # The inbox.
    Page("inbox-preferences", plain("notifications:preferences"), (PreferencesForm,)),
    # Django's own sign-in and password forms: a failed sign-in is recorded (lockout).
    Page("sign-in", plain("login"), (SignInForm,), actor="anonymous", writes_when_refused=True),
    Page(
        "admin-sign-in",
        plain("admin:login"),
        (AdminSignInForm,),
        actor="anonymous",
        writes_when_refused=True,
    ),
    Page("password-reset", plain("password_reset"), (), actor="anonymous"),
    Page("password-change", plain("password_change"), ()),
]


# Records the pages need beyond the shared cast.


@pytest.fixture
def service(db):
    return ServiceFactory(name="Lighthouse Physical Therapy", email="intake@lighthouse.example.org")


@pytest.fixture
def need(case, mateo):
    return NeedFactory(case=case, child=mateo, category_code="physical_therapy")


@pytest.fixture
def goal(case):
    return GoalFactory(case=case)


@pytest.fixture
def ed_visit(mateo):
    return EDVisitFactory(child=mateo)


@pytest.fixture
def referral(need, service):
    return ReferralFactory(need=need, service=service, outside_provider="")


@pytest.fixture
def appointment(case, mateo):
    return AppointmentFactory(case=case, child=mateo)


@pytest.fixture
def referred_appointment(case, mateo, referral):
    return AppointmentFactory(case=case, child=mateo, referral=referral)


@pytest.fixture
def closing_case(family, mateo, coordinator):
    return CaseFactory(family=family, coordinator=coordinator, children=[mateo], status="closure_requested")


@pytest.fixture
def closed_case(family, mateo, coordinator):
    return CaseFactory(family=family, coordinator=coordinator, children=[mateo], status="closed")


@pytest.fixture
def organization_token(referral):
    return referral_link_token(referral)


@pytest.fixture
def booked_organization_token(referral, case, mateo):
    AppointmentFactory(case=case, child=mateo, referral=referral, proposed_by_organization=True)
    return referral_link_token(referral)


@pytest.fixture
def invitation_token(family, coordinator):
    rosa = CaregiverFactory(family=family, first_name="Rosa", email="")
    _invitation, token = portal_services.invitation_create(
        caregiver=rosa, actor=coordinator, link_for=lambda token: token
    )
    return token


@pytest.fixture
def hvs(db):
    return screening_factories.instrument(screening_factories.HVS)


@pytest.fixture
def screening_in_progress(case, caregiver):
    return screening_factories.administer(case, caregiver, {}, code="hvs", finish=False)


@pytest.fixture
def proposal(case, caregiver):
    answers = {"88122-7": [screening_factories.OFTEN], "88123-5": [screening_factories.NEVER]}
    return screening_factories.administer(case, caregiver, answers, code="hvs").proposals.get()


@pytest.fixture
def enrolled_coordinator(coordinator):
    TOTPDevice.objects.create(user=coordinator, name="Phone", confirmed=True)
    return coordinator


@pytest.fixture
def harbor(other_case, other_caregiver, other_consent):
    """The Harbor household's records: every choice offers them, no answer may change them."""
    return other_case


def harbor_state(family):
    return [
        list(model.objects.filter(**{lookup: family.pk}).order_by("pk").values_list())
        for model, lookup in ((Family, "pk"), (Child, "family"), (Caregiver, "family"), (Case, "family"))
    ]


def audit_entries():
    """The audit log's entries of changes (its entries of reads are not changes)."""
    return list(LogEntry.objects.exclude(action=LogEntry.Action.ACCESS).order_by("pk").values_list())


def foreign_values(case):
    """Another team's records as a crafted request would name them: by uuid and by id."""
    records = [case, case.family, case.team, case.coordinator, *case.children.all()]
    return [str(record.uuid) for record in records] + [str(record.pk) for record in records]


def page_client(request, actor):
    client = Client()
    if actor != "anonymous":
        client.force_login(request.getfixturevalue(actor))
    return client


def page_form_list(client, page, url):
    if page.fields is not None:
        return [page.fields]
    response = client.get(url)
    assert response.status_code == 200, f"{page.id}: GET {url} answered {response.status_code}"
    path = url.split("?")[0]
    found = [form for form in page_forms(response.content.decode(), path) if form.method == page.method]
    assert found, f"{page.id}: the page at {url} shows no {page.method.upper()} form"
    return found


@pytest.mark.parametrize("page", PAGES, ids=[page.id for page in PAGES])
def test_generated_input_never_breaks_a_page_and_a_refusal_writes_nothing(request, page):
    harbor = request.getfixturevalue("harbor")
    client = page_client(request, page.actor)
    url = page.address(request.getfixturevalue)
    forms = page_form_list(client, page, url)
    foreign = foreign_values(harbor)
    before = database_state()
    audit_before = audit_entries()
    harbor_before = harbor_state(harbor.family)

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def property_holds(data):
        form = data.draw(st.sampled_from(forms), label="form")
        body = data.draw(posted_data(form, foreign), label="body")
        with rolled_back():
            with watched() as watch:
                response = getattr(client, page.method)(url, body)
            assert response.status_code < 500
            refused = page.method == "get" or response.status_code != 302
            if not watch.written:
                return
            assert not too_long(watch.written)
            if refused and not page.writes_when_refused:
                if watch.written == {"auditlog_logentry"}:  # most often a page noting that it was read
                    changed = [] if audit_entries() == audit_before else ["auditlog.LogEntry"]
                else:
                    changed = changed_tables(before, database_state(), reads=False)
                assert not changed, f"refused with {response.status_code}, but changed {changed}"
            assert harbor_state(harbor.family) == harbor_before, "the Harbor household changed"

    property_holds()


def project_forms():
    """Every form class the application defines (its URLs import every view, and so every form)."""
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    apps = (
        "accounts.",
        "carecoord.",
        "cases.",
        "referrals.",
        "screening.",
        "portal.",
        "supervision.",
        "notifications.",
    )
    found, pending = set(), [django_forms.BaseForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith(apps):
                found.add(subclass)
    return found


def test_every_form_has_a_page():
    covered = {form for page in PAGES for form in page.forms}
    missing = sorted(f"{form.__module__}.{form.__qualname__}" for form in project_forms() - covered - BASES)
    assert not missing, "Forms with no page in PAGES (tests/properties/test_form_pages.py):\n" + "\n".join(
        missing
    )
