"""Fictional data in bulk, shaped like a state-wide program, for ``seed_scale`` and ``make bench``.

At 100,000 families: 10 teams, 60 coordinators with about 500 open cases each,
10 supervisors, 167,000 children, about 290,000 case events, 42,000 referrals,
1,500 directory services, and one heavy case (400 events, 60 open tasks, 30
needs) in Carmen Ortiz's caseload. The demo data comes first, so the demo
logins see a large caseload: Carmen is one of North's six coordinators and Sam
Rivera leads North.

Rows are written with ``bulk_create`` in chunks of families, one transaction
per chunk, and never through the services (they check, audit and notify one row
at a time). Every chunk is generated from its own seeded random source, so the
same command gives the same data, and a run that stopped part-way, or a larger
``--families``, adds only the families that are missing.
"""

import contextlib
import datetime
import random

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Team, User
from cases.models import (
    Activity,
    Caregiver,
    Case,
    CaseEvent,
    Child,
    Consent,
    EDVisit,
    Family,
    Goal,
    Need,
    Program,
    ServiceCategory,
    Task,
)
from referrals.models import (
    Appointment,
    Location,
    Organization,
    Referral,
    ReferralEvent,
    Service,
    ServiceAtLocation,
)
from referrals.models import Language as ServiceLanguage

# Scale households are told apart from the demo's by their email domain.
EMAIL_DOMAIN = "scale.example.org"
CHUNK = 5000
TEAM_COUNT = 10
COORDINATORS_PER_TEAM = 6
SERVICE_COUNT = 1500
SERVICES_PER_ORGANIZATION = 5
OPEN_SHARE = 0.3
# Sign-ins for the load test: this many scale caregivers get a portal login.
FAMILY_LOGINS = 20
# Every scale login (staff and family) has this password; the data is fictional.
PASSWORD = "scale-bench-pass-2024"  # noqa: S105 - fictional logins of a benchmark database
HEAVY_FAMILY = "Whitfield-Aranda household"

TEAM_NAMES = [
    "North Clinic Team",
    "Harbor Clinic Team",
    "East Valley Team",
    "Lakeshore Team",
    "Pine Ridge Team",
    "Southgate Team",
    "Westbrook Team",
    "Mill River Team",
    "Cedar Falls Team",
    "Summit County Team",
]
TOWNS = [
    "Riverton",
    "Harborview",
    "Eastfield",
    "Lakeshore",
    "Pine Ridge",
    "Southgate",
    "Westbrook",
    "Mill River",
    "Cedar Falls",
    "Summit",
]
FIRST = [
    "María",
    "José",
    "Ana",
    "Luis",
    "Carmen",
    "Jorge",
    "Sofía",
    "Mateo",
    "Lucía",
    "Diego",
    "Emma",
    "Noah",
    "Olivia",
    "Liam",
    "Ava",
    "Elijah",
    "Mia",
    "James",
    "Chloé",
    "Zoë",
    "Aiden",
    "Kim",
    "Linh",
    "Bao",
    "Amara",
    "Kwame",
    "Fatima",
    "Omar",
    "Priya",
    "Ravi",
    "Hana",
    "Yuki",
]
LAST = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Nguyen",
    "Tran",
    "Okoye",
    "Baptiste",
    "Müller",
    "O'Brien",
    "Kowalski",
    "Haddad",
    "Cohen",
    "Patel",
    "Kim",
    "Silva",
    "Dubois",
    "Rossi",
    "Novak",
]
CONDITIONS = ["", "", "", "Asthma", "Type 1 diabetes", "Autism spectrum disorder", "Cerebral palsy", "ADHD"]
INSURANCE = ["Medicaid", "CHIP", "Private", "None", "Medicaid"]
ORGANIZATION_WORDS = [
    "Family",
    "Children's",
    "Community",
    "Neighborhood",
    "Regional",
    "Hope",
    "Bridge",
    "Harbor",
    "Valley",
    "Sunrise",
]
ORGANIZATION_KINDS = ["Health Center", "Services", "Alliance", "Clinic", "Network", "Center"]
SERVICE_WORDS = {
    "medical": "Pediatric clinic",
    "physical_therapy": "Physical therapy",
    "speech_therapy": "Speech therapy",
    "occupational_therapy": "Occupational therapy",
    "behavioral_health": "Counseling for children and teens",
    "housing": "Housing assistance",
    "transportation": "Rides to appointments",
    "food": "Food pantry",
    "financial": "Benefits enrollment help",
    "early_intervention": "Early intervention",
    "childcare": "Childcare referrals",
    "legal": "Family legal aid",
    "other": "Family support",
    "utilities": "Help with utility bills",
    "safety": "Family safety support",
}


@contextlib.contextmanager
def stated_timestamps():
    """Let the seed write ``created_at``/``updated_at`` itself: history spread over three years, not today."""
    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def scale_families():
    return Family.objects.filter(email__endswith="@" + EMAIL_DOMAIN)


def seed_scale(families, *, say=print):
    """Bring the database to ``families`` scale households (and everything around them); return the logins."""
    from carecoord.demo import seed_demo

    if not User.objects.filter(username="coordinator").exists():
        with transaction.atomic():
            seed_demo()
        say("demo data loaded")
    password = make_password(PASSWORD)
    with transaction.atomic():
        teams, coordinators, supervisors = _staff(password)
        _directory()
    existing = scale_families().count()
    context = _Context.load(teams, coordinators)
    for start in range(existing, families, CHUNK):
        size = min(CHUNK, families - start)
        with transaction.atomic(), stated_timestamps():
            _Chunk(context, start, size).write()
        say(f"  {start + size} families")
    with transaction.atomic():
        _heavy_case(context)
        logins = _logins(password, coordinators, supervisors)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return logins


# Staff, teams and the directory


def _staff(password):
    """Ten teams, six coordinators and one supervisor each; the demo's people keep their places."""
    teams = []
    for index, name in enumerate(TEAM_NAMES):
        team = Team.objects.filter(name=name).first()
        if team is None:
            team = Team.objects.create(name=name, site=TOWNS[index], phone=f"555-01{index:02d}")
        teams.append(team)
    coordinators, supervisors = [], []
    rng = random.Random("staff")  # noqa: S311 - fictional data
    for index, team in enumerate(teams):
        members = list(
            team.members.filter(role=User.Role.COORDINATOR, is_active=True).order_by("date_joined", "pk")
        )
        number = 0
        while len(members) < COORDINATORS_PER_TEAM:
            number += 1
            username = f"scale-coordinator-{index + 1:02d}-{number}"
            user = User.objects.filter(username=username).first() or _user(
                username, password, User.Role.COORDINATOR, rng, team
            )
            if user not in members:
                members.append(user)
        coordinators.append(members[:COORDINATORS_PER_TEAM])
        leader = team.members.filter(role=User.Role.SUPERVISOR).order_by("date_joined", "pk").first()
        if leader is None:
            leader = _user(f"scale-supervisor-{index + 1:02d}", password, User.Role.SUPERVISOR, rng, team)
        supervisors.append(leader)
    return teams, coordinators, supervisors


def _user(username, password, role, rng, team):
    user = User.objects.create(
        username=username,
        password=password,
        role=role,
        first_name=rng.choice(FIRST),
        last_name=rng.choice(LAST),
        email=f"{username}@{EMAIL_DOMAIN}",
    )
    user.teams.add(team)
    return user


def _directory():
    """Listed services up to SERVICE_COUNT: organizations of five services each, one location each."""
    have = Service.objects.filter(hsds_id__startswith="scale-").count()
    if have >= SERVICE_COUNT:
        return
    rng = random.Random("directory")  # noqa: S311 - fictional data
    categories = list(ServiceCategory.objects.all())
    organizations, locations, services = [], [], []
    for number in range(have // SERVICES_PER_ORGANIZATION, SERVICE_COUNT // SERVICES_PER_ORGANIZATION):
        town = TOWNS[number % len(TOWNS)]
        name = f"{rng.choice(ORGANIZATION_WORDS)} {rng.choice(ORGANIZATION_KINDS)} of {town} {number + 1}"
        organization = Organization(
            hsds_id=f"scale-organization-{number}",
            name=name,
            description=f"Services for children and families in {town}.",
            email=f"referrals{number}@{EMAIL_DOMAIN}",
        )
        organizations.append(organization)
        locations.append(
            Location(
                hsds_id=f"scale-location-{number}",
                organization=organization,
                name=f"{name} main office",
                address_1=f"{rng.randint(1, 999)} Main Street",
                city=town,
                state_province="NY",
                postal_code=f"1{rng.randint(1000, 9999)}",
                country="US",
            )
        )
        for offset in range(SERVICES_PER_ORGANIZATION):
            category = categories[(number * SERVICES_PER_ORGANIZATION + offset) % len(categories)]
            words = SERVICE_WORDS.get(category.code, "Family support")
            minimum = rng.choice([None, 0, 0, 3, 5])
            service = Service(
                hsds_id=f"scale-service-{number * SERVICES_PER_ORGANIZATION + offset}",
                organization=organization,
                name=f"{words} — {town}",
                description=f"{words} for families in and around {town}.",
                eligibility_description="Children and youth up to 21." if minimum is not None else "",
                minimum_age=minimum,
                maximum_age=21 if minimum is not None else None,
                insurance_accepted=rng.choice(["Medicaid, CHIP", "Medicaid, CHIP, private", ""]),
                email=f"intake{number}-{offset}@{EMAIL_DOMAIN}",
            )
            service.search_text = service.build_search_text()
            service._category = category
            service._location = locations[-1]
            services.append(service)
    Organization.objects.bulk_create(organizations, batch_size=1000)
    Location.objects.bulk_create(locations, batch_size=1000)
    Service.objects.bulk_create(services, batch_size=1000)
    Service.categories.through.objects.bulk_create(
        [Service.categories.through(service=s, servicecategory=s._category) for s in services],
        batch_size=2000,
    )
    ServiceAtLocation.objects.bulk_create(
        [
            ServiceAtLocation(hsds_id=f"scale-at-{s.hsds_id}", service=s, location=s._location)
            for s in services
        ],
        batch_size=2000,
    )
    ServiceLanguage.objects.bulk_create(
        [
            ServiceLanguage(hsds_id=f"scale-language-{s.hsds_id}", service=s, code="es", name="Spanish")
            for index, s in enumerate(services)
            if index % 3 == 0
        ],
        batch_size=2000,
    )


class _Context:
    """What every chunk needs: teams, their coordinators, programs, categories, services."""

    @classmethod
    def load(cls, teams, coordinators):
        context = cls()
        context.teams = teams
        context.coordinators = coordinators
        context.programs = {program.kind: program for program in Program.objects.all()}
        context.categories = list(ServiceCategory.objects.all())
        context.services = list(
            Service.objects.listed().filter(hsds_id__startswith="scale-").values_list("pk", flat=True)
        )
        context.now = timezone.now()
        return context


def _tracked(moment, user):
    return {"created_at": moment, "updated_at": moment, "created_by": user, "updated_by": user}


class _Chunk:
    """``size`` households from number ``start`` on, with everything their cases hold."""

    def __init__(self, context, start, size):
        self.c = context
        self.start = start
        self.size = size
        self.rng = random.Random(f"families-{start}")  # noqa: S311 - fictional data
        self.rows = {model: [] for model in CHUNK_ORDER}

    def add(self, record):
        self.rows[type(record)].append(record)
        return record

    def write(self):
        for number in range(self.start, self.start + self.size):
            self.household(number)
        # Parents first: bulk_create gives them their keys, which their children's rows then take.
        for model in CHUNK_ORDER:
            model.objects.bulk_create(self.rows[model], batch_size=2000)

    def household(self, number):
        rng, now = self.rng, self.c.now
        team_index = number % TEAM_COUNT
        team = self.c.teams[team_index]
        coordinator = self.c.coordinators[team_index][(number // TEAM_COUNT) % COORDINATORS_PER_TEAM]
        last = rng.choice(LAST)
        is_open = rng.random() < OPEN_SHARE
        opened = now - datetime.timedelta(
            days=rng.uniform(2, 730 if is_open else 3 * 365), hours=rng.random()
        )
        spanish = last in LAST[:10] and rng.random() < 0.7
        family = self.add(
            Family(
                name=f"{last} household",
                preferred_language="es" if spanish else "en",
                interpreter_needed=spanish and rng.random() < 0.5,
                address_line1=f"{rng.randint(1, 9999)} {rng.choice(['Oak', 'Elm', 'Maple', 'Cedar'])} Street",
                town=TOWNS[team_index],
                state="NY",
                postal_code=f"1{rng.randint(1000, 9999)}",
                phone=f"(555) {rng.randint(100, 999)}-{number % 10000:04d}",
                email=f"family{number}@{EMAIL_DOMAIN}",
                insurance=rng.choice(INSURANCE),
                team=team,
                **_tracked(opened, coordinator),
            )
        )
        family.refresh_search_keys()
        for index in range(2 if rng.random() < 0.5 else 1):
            caregiver = self.add(
                Caregiver(
                    family=family,
                    first_name=rng.choice(FIRST),
                    last_name=last,
                    relationship="mother" if index == 0 else "father",
                    phone=f"(555) {rng.randint(100, 999)}-{rng.randint(0, 9999):04d}",
                    is_primary=index == 0,
                    **_tracked(opened, coordinator),
                )
            )
            caregiver.refresh_search_keys()
        children = []
        for _index in range(rng.choices([1, 2, 3], weights=[50, 33, 17])[0]):
            child = self.add(
                Child(
                    family=family,
                    first_name=rng.choice(FIRST),
                    last_name=last,
                    date_of_birth=(now - datetime.timedelta(days=rng.randint(200, 17 * 365))).date(),
                    conditions=rng.choice(CONDITIONS),
                    mrn=f"MRN-{number:07d}-{_index}",
                    **_tracked(opened, coordinator),
                )
            )
            child.refresh_search_keys()
            children.append(child)
        self.add(
            Consent(
                family=family,
                given_by=f"{rng.choice(FIRST)} {last}",
                given_on=timezone.localdate(opened),
                **_tracked(opened, coordinator),
            )
        )
        self.case(family, children, coordinator, team, opened, is_open)

    def case(self, family, children, coordinator, team, opened, is_open):
        rng, now = self.rng, self.c.now
        ed = rng.random() < 0.2
        program = self.c.programs[Program.Kind.ED_FOLLOW_UP if ed else Program.Kind.GENERAL]
        closed_at = None
        if is_open:
            status = rng.choices(["intake", "active", "closure_requested"], weights=[10, 80, 10])[0]
        else:
            status = "closed"
            closed_at = min(
                opened + datetime.timedelta(days=rng.uniform(20, 300)), now - datetime.timedelta(1)
            )
        case = self.add(
            Case(
                family=family,
                program=program,
                team=team,
                coordinator=coordinator,
                status=status,
                urgent=is_open and rng.random() < 0.08,
                source="emergency_department" if ed else rng.choice(["family", "pediatrician", "school"]),
                summary="Care coordination for the family's children.",
                opened_at=opened,
                closure_reason=rng.choice(["goals_met", "goals_met", "moved", "unable_to_contact"])
                if closed_at
                else "",
                closure_requested_at=(closed_at or now) - datetime.timedelta(days=2)
                if status in ("closed", "closure_requested")
                else None,
                closed_at=closed_at,
                reviewed_at=opened + datetime.timedelta(days=rng.randint(20, 120))
                if rng.random() < 0.5
                else None,
                **_tracked(opened, coordinator),
            )
        )
        for child in children:
            self.add(CaseChildren(case=case, child=child))
        self.event(case, "opened", opened, coordinator, to_status="intake")
        if closed_at:
            self.event(
                case,
                "closure_requested",
                case.closure_requested_at,
                coordinator,
                "active",
                "closure_requested",
            )
            self.event(case, "closure_approved", closed_at, coordinator, "closure_requested", "closed")
        end = closed_at or now
        for _index in range(rng.choice([1, 2])):
            self.need(case, children, coordinator, opened, end)
        for contact in range(rng.choice([1, 2])):
            moment = opened + datetime.timedelta(days=1 + contact * rng.uniform(1, 60))
            if is_open and contact == 1 and rng.random() < 0.7:
                moment = now - datetime.timedelta(days=rng.uniform(0, 28))
            self.add(
                Activity(
                    case=case,
                    kind=rng.choice(["call", "call", "visit", "message"]),
                    with_whom=family.name,
                    occurred_at=min(moment, end),
                    minutes=rng.randint(5, 60),
                    summary="Talked with the family about next steps.",
                    **_tracked(min(moment, end), coordinator),
                )
            )
        due = timezone.localdate(now) + datetime.timedelta(days=rng.randint(-20, 30))
        self.add(
            Task(
                case=case,
                title="Call the family back",
                assignee=coordinator,
                due_on=due if is_open else timezone.localdate(end),
                completed_at=None if is_open else end,
                completed_by=None if is_open else coordinator,
                **_tracked(opened, coordinator),
            )
        )
        if rng.random() < 0.5:
            self.add(
                Goal(
                    case=case,
                    child=rng.choice(children),
                    description="Get to every appointment this season.",
                    target_date=timezone.localdate(opened) + datetime.timedelta(days=90),
                    status="active" if is_open else "achieved",
                    shared_with_family=rng.random() < 0.7,
                    **_tracked(opened, coordinator),
                )
            )
        if ed:
            self.ed_visits(case, children[0], opened, coordinator)

    def event(self, case, kind, at, actor, from_status="", to_status=""):
        self.add(
            CaseEvent(case=case, kind=kind, at=at, actor=actor, from_status=from_status, to_status=to_status)
        )

    def need(self, case, children, coordinator, opened, end):
        rng = self.rng
        category = rng.choice(self.c.categories)
        created = opened + datetime.timedelta(days=rng.uniform(0, 5))
        created = min(created, end)
        if case.status == "closed":
            status = rng.choices(["met", "unmet", "declined"], weights=[70, 20, 10])[0]
        else:
            status = rng.choices(["open", "in_progress", "met"], weights=[40, 40, 20])[0]
        resolved = status in Need.RESOLVED
        need = self.add(
            Need(
                case=case,
                child=None if category.is_household else rng.choice(children),
                category=category,
                description=f"{category.name} for the family",
                status=status,
                resolution_note="Resolved with the family." if resolved else "",
                resolved_at=end if resolved else None,
                **_tracked(created, coordinator),
            )
        )
        if rng.random() < 0.33:
            self.event(case, "need_added", created, coordinator)
        if rng.random() < 0.28 and self.c.services:
            self.referral(case, need, coordinator, created, end)

    def referral(self, case, need, coordinator, created, end):
        rng, now = self.rng, self.c.now
        requested = created + datetime.timedelta(days=rng.uniform(0, 2))
        if case.status == "closed":
            status = rng.choices(["completed", "rejected", "failed", "cancelled"], weights=[60, 15, 10, 15])[
                0
            ]
        else:
            status = rng.choices(
                ["requested", "received", "accepted", "in-progress", "completed"],
                weights=[25, 10, 25, 20, 20],
            )[0]
        answered = requested + datetime.timedelta(days=rng.uniform(0.5, 6))
        accepted = answered if status in ("accepted", "in-progress", "completed") else None
        completed = (
            min(answered + datetime.timedelta(days=rng.uniform(3, 40)), end)
            if status == "completed"
            else None
        )
        if accepted and accepted > now:
            accepted = None
            status = "requested"
        terminal = status in ("completed", "rejected", "failed", "cancelled")
        referral = self.add(
            Referral(
                need=need,
                case=case,
                service_id=rng.choice(self.c.services),
                status=status,
                status_reason="No openings this season." if status == "rejected" else "",
                reason_code={"rejected": "no_capacity", "failed": "family_unreachable"}.get(status, ""),
                requested_at=requested,
                acknowledge_due=timezone.localdate(requested) + datetime.timedelta(days=3),
                outcome_due=timezone.localdate(requested) + datetime.timedelta(days=20),
                acknowledged_at=answered if status == "rejected" else None,
                accepted_at=accepted,
                completed_at=completed,
                closed_at=(completed or answered) if terminal else None,
                **_tracked(created, coordinator),
            )
        )
        self.add(
            ReferralEvent(
                referral=referral, from_status="draft", to_status="requested", at=requested, actor=coordinator
            )
        )
        if status not in ("requested",):
            self.add(
                ReferralEvent(
                    referral=referral,
                    from_status="requested",
                    to_status=status,
                    at=completed or accepted or answered,
                    actor_label="The organization",
                )
            )
        if accepted and need.child:
            start = accepted + datetime.timedelta(days=rng.uniform(2, 20))
            self.add(
                Appointment(
                    child=need.child,
                    case=case,
                    referral=referral,
                    provider="Intake visit",
                    place="Main office",
                    start=start.replace(minute=0, second=0, microsecond=0),
                    status="attended" if start < now else "scheduled",
                    transportation_arranged=rng.random() < 0.3,
                    instructions_for_family="Bring the insurance card.",
                    **_tracked(accepted, coordinator),
                )
            )

    def ed_visits(self, case, child, opened, coordinator):
        rng = self.rng
        arrived = opened - datetime.timedelta(days=1, hours=rng.randint(0, 12))
        visits = [arrived]
        if rng.random() < 0.15:
            visits.append(arrived + datetime.timedelta(days=rng.uniform(5, 80)))
        for moment in visits:
            self.add(
                EDVisit(
                    child=child,
                    case=case,
                    hospital="Riverton Children's Hospital",
                    reason="mental_health_crisis",
                    arrived_at=moment,
                    discharged_at=moment + datetime.timedelta(hours=rng.randint(4, 30)),
                    **_tracked(moment, coordinator),
                )
            )


CaseChildren = Case.children.through
CHUNK_ORDER = [
    Family,
    Caregiver,
    Child,
    Consent,
    Case,
    CaseChildren,
    CaseEvent,
    Need,
    Activity,
    Task,
    Goal,
    EDVisit,
    Referral,
    ReferralEvent,
    Appointment,
]


def _heavy_case(context):
    """One active case of Carmen's that has grown long: 400 events, 60 open tasks, 30 needs."""
    if Family.objects.filter(name=HEAVY_FAMILY).exists():
        return
    carmen = User.objects.get(username="coordinator")
    team = context.teams[0]
    now = context.now
    opened = now - datetime.timedelta(days=400)
    rng = random.Random("heavy")  # noqa: S311 - fictional data
    with stated_timestamps():
        family = Family(
            name=HEAVY_FAMILY,
            preferred_language="es",
            town="Riverton",
            phone="(555) 010-4400",
            email="whitfield-aranda@example.org",
            team=team,
            **_tracked(opened, carmen),
        )
        family.refresh_search_keys()
        family.save()
        children = []
        for index, first in enumerate(["Tomás", "Elena", "Gabriel"]):
            child = Child(
                family=family,
                first_name=first,
                last_name="Whitfield-Aranda",
                date_of_birth=(now - datetime.timedelta(days=365 * (4 + 4 * index))).date(),
                **_tracked(opened, carmen),
            )
            child.refresh_search_keys()
            children.append(child)
        Child.objects.bulk_create(children)
        Consent.objects.create(
            family=family,
            given_by="Rosa Aranda",
            given_on=timezone.localdate(opened),
            **_tracked(opened, carmen),
        )
        program = context.programs[Program.Kind.GENERAL]
        case = Case.objects.create(
            family=family,
            program=program,
            team=team,
            coordinator=carmen,
            status="active",
            summary="A family with three children and many needs, followed for more than a year.",
            opened_at=opened,
            **_tracked(opened, carmen),
        )
        case.children.set(children)
        needs = Need.objects.bulk_create(
            [
                Need(
                    case=case,
                    child=children[index % 3],
                    category=context.categories[index % len(context.categories)],
                    description=f"Need number {index + 1} of the family",
                    status="in_progress" if index % 2 else "open",
                    **_tracked(opened + datetime.timedelta(days=index), carmen),
                )
                for index in range(30)
            ]
        )
        Task.objects.bulk_create(
            [
                Task(
                    case=case,
                    title=f"Follow-up {index + 1}",
                    assignee=carmen,
                    due_on=timezone.localdate(now) + datetime.timedelta(days=index - 10),
                    **_tracked(opened, carmen),
                )
                for index in range(60)
            ]
        )
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case=case,
                    kind=rng.choice(["status", "need", "referral", "consent"]),
                    at=opened + datetime.timedelta(hours=index * 23),
                    actor=carmen,
                    note="Recorded on the timeline.",
                )
                for index in range(400)
            ]
        )
        referrals = Referral.objects.bulk_create(
            [
                Referral(
                    need=need,
                    case=case,
                    service_id=context.services[index],
                    status="accepted" if index % 2 else "requested",
                    requested_at=opened + datetime.timedelta(days=index + 1),
                    accepted_at=opened + datetime.timedelta(days=index + 3) if index % 2 else None,
                    acknowledge_due=timezone.localdate(opened) + datetime.timedelta(days=index + 4),
                    outcome_due=timezone.localdate(opened) + datetime.timedelta(days=index + 20),
                    **_tracked(opened, carmen),
                )
                for index, need in enumerate(needs[:20])
            ]
        )
        ReferralEvent.objects.bulk_create(
            [
                ReferralEvent(
                    referral=referral,
                    from_status="draft",
                    to_status="requested",
                    at=referral.requested_at,
                    actor=carmen,
                )
                for referral in referrals
            ]
        )


def _logins(password, coordinators, supervisors):
    """Sign-ins for the benchmark: staff with a confirmed authenticator, caregivers with a portal login."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import CalendarFeed

    staff = [
        *User.objects.filter(username__in=["coordinator", "supervisor"]),
        *[user for team in coordinators for user in team],
        *supervisors,
    ]
    from accounts.demo import USERS

    demo_passwords = {username: password for username, password, *_rest in USERS}
    logins = []
    for user in dict.fromkeys(staff):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Benchmark authenticator", confirmed=True)
        logins.append(
            {
                "username": user.username,
                "password": demo_passwords.get(user.username, PASSWORD),
                "team": user.teams.order_by("pk").values_list("pk", flat=True).first(),
                "role": user.role,
                "totp_key": device.key,
            }
        )
    caregivers = list(
        Caregiver.objects.filter(
            family__email__endswith="@" + EMAIL_DOMAIN, is_primary=True, family__cases__status="active"
        )
        .order_by("pk")
        .distinct()[:FAMILY_LOGINS]
    )
    for index, caregiver in enumerate(caregivers):
        if caregiver.user_id is None:
            user = User.objects.create(
                username=f"scale-family-{index + 1:02d}",
                password=password,
                role=User.Role.FAMILY,
                first_name=caregiver.first_name,
                last_name=caregiver.last_name,
            )
            caregiver.user = user
            caregiver.save(update_fields=["user"])
        logins.append({"username": caregiver.user.username, "password": PASSWORD, "role": "family"})
    maria = Caregiver.objects.filter(user__username="family").first()
    if maria is not None:
        logins.append({"username": "family", "password": demo_passwords["family"], "role": "family"})
        caregivers.append(maria)
    for caregiver in caregivers:
        if not CalendarFeed.objects.filter(caregiver=caregiver).exists():
            CalendarFeed.objects.create(caregiver=caregiver)
    return logins


def bench_plan(logins):
    """What ``make bench`` signs in as and which addresses it times, computed from the seeded data.

    The calendar addresses and the organization's link are derived from the
    secret key in force, so this runs with the benchmark server's key.
    """
    from django.urls import reverse

    from portal.models import CalendarFeed
    from portal.services import calendar_feed_secret
    from referrals.services import referral_link_token

    today = timezone.localdate()
    carmen = User.objects.get(username="coordinator")
    heavy = Case.objects.get(family__name=HEAVY_FAMILY)
    north = heavy.team
    family = (
        Family.objects.filter(
            cases__coordinator=carmen, cases__status="active", email__endswith="@" + EMAIL_DOMAIN
        )
        .order_by("pk")
        .first()
    )
    phone = family.phone_digits[-7:]
    referral = Referral.objects.filter(case=heavy, status="requested").order_by("pk").first()
    # The last twelve months, which the workers make ahead (supervision.precompute), and a year ending
    # yesterday, which they do not: the page computes it live.
    report_query = f"start={today.replace(year=today.year - 1) + datetime.timedelta(days=1)}&end={today}"
    yesterday = today - datetime.timedelta(days=1)
    live_start = yesterday.replace(year=yesterday.year - 1) + datetime.timedelta(days=1)
    live_query = f"start={live_start}&end={yesterday}"

    def feed_path(username):
        feed = CalendarFeed.objects.get(caregiver__user__username=username)
        return reverse("portal:calendar-feed", args=[feed.uuid, calendar_feed_secret(feed)])

    pages = [
        (
            "minimal",
            "password-change form (the minimal signed-in page)",
            "coordinator",
            reverse("password_change"),
        ),
        (
            "caseload",
            f"caseload ({Case.objects.open().filter(coordinator=carmen).count()} open cases)",
            "coordinator",
            reverse("cases:caseload"),
        ),
        (
            "search-name",
            "family search by name (hernan)",
            "coordinator",
            reverse("cases:search") + "?q=hernan",
        ),
        (
            "search-phone",
            f"family search by phone digits ({phone})",
            "coordinator",
            reverse("cases:search") + f"?q={phone}",
        ),
        ("family", "family page", "coordinator", reverse("cases:family-detail", args=[family.uuid])),
        (
            "case",
            "case page (heavy case: 400 events, 60 tasks, 30 needs)",
            "coordinator",
            reverse("cases:case-detail", args=[heavy.uuid]),
        ),
        (
            "referrals",
            "referral list (the team's open referrals)",
            "coordinator",
            reverse("referrals:referral-list"),
        ),
        (
            "referral",
            "referral page",
            "coordinator",
            reverse("referrals:referral-detail", args=[referral.uuid]),
        ),
        (
            "directory",
            "directory search (speech therapy in Riverton)",
            "coordinator",
            reverse("referrals:directory-search") + "?category=speech_therapy&town=Riverton",
        ),
        ("overview", "supervisor team overview", "supervisor", reverse("supervision:overview")),
        (
            "reports",
            "outcome reports, last 12 months (made ahead by the workers when the cache is shared)",
            "supervisor",
            reverse("supervision:reports") + "?" + report_query,
        ),
        (
            "reports-live",
            "outcome reports, a year ending yesterday (computed live)",
            "supervisor",
            reverse("supervision:reports") + "?" + live_query,
        ),
        (
            "report-csv",
            "a report's CSV (ED follow-up, last 12 months)",
            "supervisor",
            reverse("supervision:report-csv", args=["ed-follow-up"]) + "?" + report_query,
        ),
        ("portal", "family portal home", "family", reverse("portal:home")),
        ("portal-pdf", "family portal PDF", "family", reverse("portal:summary-pdf")),
        ("ics", "calendar feed (.ics)", None, feed_path("family")),
        (
            "organization-link",
            "organization link page",
            None,
            reverse("referrals:organization-link", args=[referral_link_token(referral)]),
        ),
    ]
    # The load test: each user reaches only its own team's records.
    samples = {}
    for team_id in {login.get("team") for login in logins if login.get("team")}:
        cases = Case.objects.filter(team_id=team_id).order_by("pk")
        case = cases.filter(status="active").first() or cases.first()
        sample = Referral.objects.filter(case__team_id=team_id).order_by("pk").first()
        # A small database may leave a team without a case or a referral: its users skip that page.
        samples[team_id] = [
            *([reverse("cases:case-detail", args=[case.uuid])] if case else []),
            *([reverse("cases:family-detail", args=[case.family.uuid])] if case else []),
            *([reverse("referrals:referral-detail", args=[sample.uuid])] if sample else []),
        ]
    for login in logins:
        if login["role"] == "coordinator":
            login["paths"] = [
                reverse("cases:caseload"),
                reverse("cases:search") + "?q=hernan",
                reverse("cases:search") + f"?q={phone}",
                reverse("referrals:referral-list"),
                reverse("referrals:directory-search") + "?category=speech_therapy&town=Riverton",
                *samples[login["team"]],
            ]
        elif login["role"] == "supervisor":
            login["paths"] = [
                reverse("supervision:overview"),
                reverse("supervision:reports") + "?" + report_query,
                reverse("supervision:report-csv", args=["ed-follow-up"]) + "?" + report_query,
            ]
        else:
            login["paths"] = [
                reverse("portal:home"),
                reverse("portal:summary-pdf"),
                feed_path(login["username"]),
            ]
    return {
        "families": scale_families().count(),
        "north": north.name,
        "pages": [{"name": n, "label": label, "login": who, "path": path} for n, label, who, path in pages],
        "logins": logins,
        "minimal": reverse("password_change"),
    }


def explain_queries():
    """``EXPLAIN (ANALYZE)`` of the queries behind the benchmark's heaviest pages, as the pages build them.

    Each is summarised by the plan nodes that read a table (the slowest first)
    and its execution time; ``make bench`` puts them in docs/PERFORMANCE.md.
    """
    from cases.permissions import families_visible_to
    from referrals.permissions import referrals_visible_to
    from supervision.forms import ReportFilterForm
    from supervision.overview import overview_queries
    from supervision.reports import ed_index_visits

    carmen = User.objects.get(username="coordinator")
    sam = User.objects.get(username="supervisor")
    today = timezone.localdate()
    phone = (
        Family.objects.filter(cases__coordinator=carmen, email__endswith="@" + EMAIL_DOMAIN)
        .order_by("pk")
        .values_list("phone_digits", flat=True)
        .first()[-7:]
    )
    form = ReportFilterForm(
        {"start": (today - datetime.timedelta(days=364)).isoformat(), "end": today.isoformat()}, user=sam
    )
    form.is_valid()
    queries = {
        "search-name": ("Family search by name (hernan)", families_visible_to(carmen).search("hernan")),
        "search-phone": (f"Family search by phone ({phone})", families_visible_to(carmen).search(phone)),
        "overview": ("Team overview: every case measure per coordinator", overview_queries(sam)[0]),
        "ed-follow-up": (
            "ED follow-up report: first visits and their measures",
            ed_index_visits(form.parameters()),
        ),
        "referrals": (
            "Referral list: the team's open referrals, first page",
            referrals_visible_to(carmen).open().with_listing().order_by("requested_at", "-created_at")[:25],
        ),
    }
    return {name: _plan(title, queryset) for name, (title, queryset) in queries.items()}


def _plan(title, queryset):
    import json

    plan = json.loads(queryset.explain(format="json", analyze=True))[0]
    nodes = []

    def walk(node):
        if "Relation Name" in node or "Index Name" in node:
            nodes.append(node)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    nodes.sort(key=lambda node: node.get("Actual Total Time", 0) * node.get("Actual Loops", 1), reverse=True)
    lines = []
    for node in nodes[:8]:
        where = node.get("Relation Name", "")
        index = f" using {node['Index Name']}" if "Index Name" in node else ""
        lines.append(
            f"{node['Node Type']}{index}{' on ' + where if where else ''}: "
            f"{node.get('Actual Rows', 0)} rows × {node.get('Actual Loops', 1)} loops, "
            f"{node.get('Actual Total Time', 0) * node.get('Actual Loops', 1):.1f} ms"
        )
    return {"title": title, "execution_ms": plan["Execution Time"], "jit": "JIT" in plan, "lines": lines}
