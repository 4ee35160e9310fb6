import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carecoord.scale import bench_plan, scale_families, seed_scale


class Command(BaseCommand):
    help = (
        "Fill the database with N fictional households shaped like a state-wide program (10 teams, "
        "60 coordinators, their cases, referrals and a 1,500-service directory), adding only what is "
        "missing. Never in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, required=True, help="scale households wanted")
        parser.add_argument(
            "--bench-plan",
            type=Path,
            help="write the sign-ins (TOTP keys included) and the addresses the benchmark times to this file",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_scale fills the database with fictional data; it never runs in production."
            )
        if options["families"] < 1:
            raise CommandError("--families must be at least 1.")
        started = time.monotonic()
        logins = seed_scale(options["families"], say=self.stdout.write)
        self.stdout.write(
            f"{scale_families().count()} scale households, seeded in {time.monotonic() - started:.0f} s"
        )
        if options["bench_plan"]:
            options["bench_plan"].parent.mkdir(parents=True, exist_ok=True)
            options["bench_plan"].write_text(json.dumps(bench_plan(logins), indent=2))
