import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from carecoord.scale import explain_queries


class Command(BaseCommand):
    help = "Print, as JSON, the query plans (EXPLAIN ANALYZE) behind the benchmark's heaviest pages."

    def handle(self, *args, **options):
        if not settings.DEBUG or connection.vendor != "postgresql":
            raise CommandError("bench_explain reads a benchmark database on PostgreSQL, never in production.")
        self.stdout.write(json.dumps(explain_queries(), indent=2))
