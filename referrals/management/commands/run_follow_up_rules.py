from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from referrals.followups import follow_up_rules_run


class Command(BaseCommand):
    help = (
        "Run the follow-up rules once (for cron): a task for each referral unanswered past its "
        "program's limit and for each missed appointment, never twice for the same one."
    )

    def handle(self, *args, **options):
        result = follow_up_rules_run()
        self.stdout.write(
            _(
                "Follow-up tasks created: %(referrals)d for unanswered referrals, "
                "%(appointments)d for missed appointments."
            )
            % {"referrals": result["referrals_unanswered"], "appointments": result["appointments_missed"]}
        )
