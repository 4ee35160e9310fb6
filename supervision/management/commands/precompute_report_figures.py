from django.core.management.base import BaseCommand

from supervision.precompute import precompute_report_figures


class Command(BaseCommand):
    help = (
        "Make the outcome reports' likely figures ahead and keep them in the cache, as the hourly "
        "periodic task does (run it once after a deploy, for instance)."
    )

    def handle(self, *args, **options):
        made = precompute_report_figures()
        self.stdout.write(f"report figures made ahead for {made} sets of teams, ranges and groupings")
