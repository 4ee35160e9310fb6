"""Fictional families, children and cases for the demo. Idempotent: a family that exists is skipped."""

import datetime

from django.utils import timezone

from accounts.models import Team, User
from accounts.services import user_language_set

from . import services
from .models import Case, EDVisit, Goal, Need, Program, ServiceCategory


def _day(offset):
    return timezone.localdate() + datetime.timedelta(days=offset)


def _at(days_ago, hour=10):
    moment = timezone.localtime() - datetime.timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def saved_version(record):
    """The version of ``record`` as saved now: the demo makes each change as a coordinator would, on the
    record as the page shows it."""
    return type(record).objects.values_list("version", flat=True).get(pk=record.pk)


def _category(code):
    return ServiceCategory.objects.get(code=code)


DEMO_POSTCODES = {"Harbor City": "12601", "Riverton": "12603", "Eastport": "12538", "Millbrook": "12545"}

FAMILIES = [
    # name, language, town, phone, caregivers, children, team index, coordinator username, urgent
    {
        "name": "Hernández household",
        "language": "es",
        "interpreter": True,
        "town": "Riverton",
        "phone": "(555) 010-2231",
        "insurance": "Medicaid",
        "caregivers": [("María", "Hernández", "mother", "maria.hernandez@example.org", "family")],
        "children": [
            ("Mateo", "Hernández", 6, "Duchenne muscular dystrophy", "MRN-100231"),
            ("Lucía", "Hernández", 11, "", ""),
        ],
        "coordinator": "coordinator",
        "urgent": True,
        "needs": [
            ("medical", 0, "Neuromuscular clinic appointment (new to the state)", "in_progress"),
            ("physical_therapy", 0, "Physical therapy twice a week", "open"),
            ("speech_therapy", 0, "Speech therapy evaluation", "open"),
            ("housing", None, "Accessible apartment: ground floor or elevator", "open"),
            ("transportation", None, "Rides to appointments (no car)", "in_progress"),
        ],
        # In the family's words, so in Spanish: the family portal shows them to María as written.
        # (description, shared with the family, next steps, index of the child it is about)
        "goals": [
            (
                "Que Mateo vea a un especialista en Duchenne antes de fin de mes.",
                True,
                "Ir a la cita de la clínica neuromuscular y llevar los informes del médico anterior.",
                0,
            ),
            (
                "Encontrar un apartamento donde Mateo pueda usar su silla de ruedas.",
                True,
                "Llenar la solicitud de vivienda con la coordinadora esta semana.",
            ),
            ("Check eligibility for respite care (not yet discussed with the family).", False),
        ],
    },
    {
        "name": "Johnson household",
        "language": "en",
        "town": "Millbrook",
        "phone": "555-010-4410",
        "insurance": "CHIP",
        "caregivers": [("Tanya", "Johnson", "mother", "", None)],
        "children": [("Aiden", "Johnson", 15, "Anxiety, depression", "")],
        "coordinator": "coordinator",
        "program": "ed_follow_up",
        "ed_visit": True,
        "needs": [("behavioral_health", 0, "Outpatient therapist after ED visit", "in_progress")],
        "goals": [("Aiden has a therapist he trusts and a safety plan at home.", True)],
    },
    {
        "name": "Nguyen household",
        "language": "en",
        "town": "Riverton",
        "phone": "555-010-7782",
        "insurance": "Private",
        "caregivers": [("Linh", "Nguyen", "mother", "", None), ("Bao", "Nguyen", "father", "", None)],
        "children": [("Kim", "Nguyen", 3, "Speech delay", "")],
        "coordinator": "coordinator",
        "needs": [
            ("early_intervention", 0, "Early intervention evaluation", "met"),
            ("speech_therapy", 0, "Weekly speech therapy", "in_progress"),
        ],
        "overdue_task": True,
    },
    {
        "name": "Ramírez household",
        "language": "es",
        "town": "Eastport",
        "phone": "555-010-3390",
        "insurance": "Medicaid",
        "caregivers": [("Rosa", "Ramírez", "grandparent", "", None)],
        "children": [("Diego", "Ramírez", 17, "Type 1 diabetes", "MRN-100877")],
        "coordinator": "coordinator",
        "needs": [
            ("medical", 0, "Find an adult endocrinologist (transition to adult care)", "open"),
            ("food", None, "Food assistance", "met"),
        ],
    },
    {
        "name": "Smith household",
        "language": "en",
        "town": "Millbrook",
        "phone": "555-010-5521",
        "insurance": "Medicaid",
        "caregivers": [("Jessica", "Smith", "mother", "", None)],
        "children": [("Noah", "Smith", 8, "Autism spectrum disorder", "")],
        "coordinator": "coordinator",
        "needs": [("occupational_therapy", 0, "Occupational therapy for sensory needs", "met")],
        "closure_requested": True,
    },
    {
        "name": "Okoye household",
        "language": "en",
        "town": "Harbor City",
        "phone": "555-010-6604",
        "insurance": "Medicaid",
        "caregivers": [("Grace", "Okoye", "mother", "", None)],
        "children": [("Chidi", "Okoye", 10, "Asthma", "")],
        "coordinator": "harbor-coordinator",
        "team": 1,
        "needs": [("medical", 0, "Asthma action plan with the pediatrician", "open")],
    },
    {
        "name": "Torres household",
        "language": "es",
        "town": "Riverton",
        "phone": "555-010-8817",
        "insurance": "Medicaid",
        "caregivers": [("Ana", "Torres", "mother", "", None)],
        "children": [("Sofía", "Torres", 2, "Cerebral palsy", "")],
        "coordinator": "coordinator2",
        "needs": [("physical_therapy", 0, "Physical therapy at home", "open")],
    },
]


def _years_ago(years, extra_days=40):
    today = timezone.localdate()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:
        born = today.replace(year=today.year - years, day=28)
    return born - datetime.timedelta(days=extra_days)


def seed_families():
    """Create the demo families, their cases and the work on them; return nothing."""
    teams = list(Team.objects.order_by("pk"))
    programs = {program.kind: program for program in Program.objects.order_by("-pk")}
    supervisor = User.objects.get(username="supervisor")
    for spec in FAMILIES:
        team = teams[spec.get("team", 0)]
        if team.families.filter(name=spec["name"]).exists():
            continue
        coordinator = User.objects.get(username=spec["coordinator"])
        _seed_family(spec, team, programs, coordinator, supervisor)


def _seed_family(spec, team, programs, coordinator, supervisor):
    family = services.family_create(
        actor=coordinator,
        team=team,
        name=spec["name"],
        preferred_language=spec["language"],
        interpreter_needed=spec.get("interpreter", False),
        town=spec["town"],
        state="NS",
        # The demo towns' postcodes, as the demo service directory gives them (referrals/sample_hsds).
        postal_code=DEMO_POSTCODES.get(spec["town"], ""),
        address_line1="12 Elm Street",
        phone=spec["phone"],
        insurance=spec["insurance"],
    )
    for index, (first, last, relationship, email, username) in enumerate(spec["caregivers"]):
        caregiver = services.caregiver_add(
            family=family,
            actor=coordinator,
            first_name=first,
            last_name=last,
            relationship=relationship,
            email=email,
            phone=spec["phone"],
            is_primary=index == 0,
        )
        if username:
            user = User.objects.get(username=username)
            user_language_set(user=user, language=spec["language"])
            services.caregiver_link_login(caregiver=caregiver, user=user)
    children = [
        services.child_add(
            family=family,
            actor=coordinator,
            first_name=first,
            last_name=last,
            date_of_birth=_years_ago(age),
            conditions=conditions,
            primary_care_provider="Riverton Pediatrics",
            mrn=mrn,
        )
        for first, last, age, conditions, mrn in spec["children"]
    ]
    services.consent_record(
        family=family,
        actor=coordinator,
        scope="all_providers",
        given_by=f"{spec['caregivers'][0][0]} {spec['caregivers'][0][1]}",
        given_on=_day(-20),
        expires_on=_day(345),
    )
    program = programs[spec.get("program", Program.Kind.GENERAL)]
    if spec.get("ed_visit"):
        visit = services.edvisit_record(
            child=children[0],
            actor=coordinator,
            arrived_at=_at(4, hour=21),
            discharged_at=_at(3, hour=9),
            reason=EDVisit.Reason.MENTAL_HEALTH_CRISIS,
            hospital="Riverton General Hospital",
            follow_up=True,
        )
        case = visit.case
    else:
        case = services.case_open(
            family=family,
            program=program,
            coordinator=coordinator,
            actor=coordinator,
            children=children,
            urgent=spec.get("urgent", False),
            summary="",
        )
    services.case_activate(case=case, actor=coordinator, version=saved_version(case))
    for code, child_index, description, status in spec["needs"]:
        need = services.need_add(
            case=case,
            actor=coordinator,
            category=_category(code),
            description=description,
            child=children[child_index] if child_index is not None else None,
        )
        if status == Need.Status.IN_PROGRESS:
            services.need_transition(need=need, actor=coordinator, to=status, version=need.version)
        elif status in Need.RESOLVED:
            services.need_transition(
                need=need, actor=coordinator, to=status, note="Connected and confirmed.", version=need.version
            )
    for text, shared, *details in spec.get("goals", []):
        next_steps = details[0] if details else ""
        child_index = details[1] if len(details) > 1 else None
        services.goal_add(
            case=case,
            actor=coordinator,
            description=text,
            child=children[child_index] if child_index is not None else None,
            next_steps=next_steps,
            shared_with_family=shared,
            target_date=_day(30),
        )
    services.activity_log(
        case=case,
        actor=coordinator,
        kind="call",
        with_whom=spec["caregivers"][0][0],
        minutes=25,
        summary="Intake call: history, needs and priorities.",
        occurred_at=_at(6),
    )
    services.activity_log(
        case=case,
        actor=coordinator,
        kind="chart_review",
        minutes=15,
        summary="Reviewed records from the previous provider.",
        occurred_at=_at(5),
    )
    services.task_create(
        case=case,
        actor=coordinator,
        title="Call the family to confirm next steps",
        assignee=coordinator,
        due_on=_day(3),
    )
    if spec.get("overdue_task"):
        services.task_create(
            case=case,
            actor=coordinator,
            title="Send the therapy intake forms",
            assignee=coordinator,
            due_on=_day(-2),
        )
    if spec.get("closure_requested"):
        # A closure is requested once the tasks are done and the goals settled.
        for task in case.tasks.open():
            services.task_complete(task=task, actor=coordinator, version=task.version)
        for goal in case.goals.filter(status=Goal.Status.ACTIVE):
            services.goal_update(
                goal=goal, actor=coordinator, version=goal.version, status=Goal.Status.ACHIEVED
            )
        services.case_request_closure(
            case=case,
            actor=coordinator,
            reason=Case.ClosureReason.GOALS_MET,
            note="All needs met; family agrees.",
            version=saved_version(case),
        )
