from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from referrals.followups import follow_up_rules_run


class Command(BaseCommand):
    help = (
        "Run the follow-up rules once (for cron): reminders of referral deadlines due next, a task for each "
        "deadline missed and each missed appointment, escalations to supervisors — each only once."
    )

    def handle(self, *args, **options):
        result = follow_up_rules_run()
        self.stdout.write(
            _(
                "Reminders emailed: %(reminders)d. Follow-up tasks created: %(acknowledge)d for referrals "
                "not acknowledged, %(outcome)d for referrals without an outcome, %(appointments)d for "
                "missed appointments. Escalations: %(escalations)d."
            )
            % {
                "reminders": result["reminders_sent"],
                "acknowledge": result["acknowledge_overdue"],
                "outcome": result["outcome_overdue"],
                "appointments": result["appointments_missed"],
                "escalations": result["escalations"],
            }
        )
