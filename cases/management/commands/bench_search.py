"""Benchmark family search at scale: `make bench` (PostgreSQL, a separate database)."""

import random
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import Team, User
from cases.models import Caregiver, Child, Family

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
]


class Command(BaseCommand):
    help = "Fill the database with N synthetic families (if it has fewer) and time the family search."

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "bench_search fills the database with synthetic data; it never runs in production."
            )
        target = options["families"]
        team = Team.objects.get_or_create(name="Benchmark team")[0]
        user = User.objects.get_or_create(username="bench-coordinator", defaults={"role": "coordinator"})[0]
        user.teams.add(team)
        existing = Family.objects.count()
        if existing < target:
            self._fill(team, target - existing)
        total = Family.objects.count()
        self.stdout.write(f"database: {connection.vendor}, families: {total}")
        queries = {
            "partial name, accents ignored ('hernan')": "hernan",
            "two words ('maria garc')": "maria garc",
            "phone digits ('0104477')": "0104477",
            "date of birth ('2015-06-15')": "2015-06-15",
            "MRN ('MRN-0042424')": "MRN-0042424",
        }
        families = Family.objects.filter(team=team)
        for label, text in queries.items():
            timings = []
            for _ in range(options["repeat"]):
                start = time.perf_counter()
                list(families.search(text).order_by("name", "pk")[:25])
                timings.append((time.perf_counter() - start) * 1000)
            self.stdout.write(
                f"{label}: median {statistics.median(timings):.1f} ms, p95 "
                f"{sorted(timings)[int(len(timings) * 0.95) - 1]:.1f} ms over {len(timings)} runs"
            )

    @transaction.atomic
    def _fill(self, team, count):
        rng = random.Random(42)  # noqa: S311 - synthetic data
        batch = 5000
        for start in range(0, count, batch):
            size = min(batch, count - start)
            families = []
            for index in range(start, start + size):
                last = rng.choice(LAST)
                phone = f"555-{rng.randint(100, 999)}-{index % 10000:04d}"
                family = Family(team=team, name=f"{last} household", phone=phone)
                family.refresh_search_keys()
                families.append(family)
            Family.objects.bulk_create(families)
            caregivers, children = [], []
            for offset, family in enumerate(families):
                first, last = rng.choice(FIRST), family.name.split()[0]
                caregiver = Caregiver(family=family, first_name=first, last_name=last)
                caregiver.refresh_search_keys()
                caregivers.append(caregiver)
                child_first = rng.choice(FIRST)
                born = f"{rng.randint(2008, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                child = Child(
                    family=family,
                    first_name=child_first,
                    last_name=last,
                    date_of_birth=born,
                    mrn=f"MRN-{start + offset:07d}",
                )
                child.refresh_search_keys()
                children.append(child)
            Caregiver.objects.bulk_create(caregivers)
            Child.objects.bulk_create(children)
            self.stdout.write(f"  created {start + size} families")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE cases_family; ANALYZE cases_child; ANALYZE cases_caregiver;")
