"""Give referrals sent before response deadlines existed their acknowledgement and outcome dates.

Each date is counted, as when a referral is sent now, in the business days of
its case's program from the local day it was sent, so these referrals enter
the follow-up rules and the supervisors' overview like any other. Only
referrals still open (sent and not completed, rejected, cancelled or failed)
are given dates: a closed one needs none for the rules, and the deadline report
would otherwise count an old decline, never stamped as an acknowledgement, as
missed.

The business-day arithmetic is ``referrals.deadlines.add_business_days``,
imported rather than copied: it is a pure function of a date and the holiday
settings (no model, no database), and the same rule must date old referrals and
new ones. The models come from the migration state, never from the app.
"""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

from referrals.deadlines import add_business_days

# The terminal statuses of the referral lifecycle at this migration (referrals/transitions.py).
CLOSED_STATUSES = ("completed", "rejected", "cancelled", "failed")
BATCH_SIZE = 500


def backfill_deadlines(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    missing = (
        Referral.objects.filter(requested_at__isnull=False)
        .exclude(status__in=CLOSED_STATUSES)
        .filter(Q(acknowledge_due__isnull=True) | Q(outcome_due__isnull=True))
        .select_related("case__program")
        .order_by("pk")
    )
    changed = []
    for referral in missing.iterator(chunk_size=BATCH_SIZE):
        program = referral.case.program
        sent_on = timezone.localdate(referral.requested_at)
        if referral.acknowledge_due is None:
            referral.acknowledge_due = add_business_days(sent_on, program.acknowledge_business_days)
        if referral.outcome_due is None:
            referral.outcome_due = add_business_days(sent_on, program.outcome_business_days)
        changed.append(referral)
        if len(changed) >= BATCH_SIZE:
            Referral.objects.bulk_update(changed, ["acknowledge_due", "outcome_due"])
            changed = []
    if changed:
        Referral.objects.bulk_update(changed, ["acknowledge_due", "outcome_due"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_program_deadlines_edvisit_reason"),
        ("referrals", "0004_referral_delivery_and_deadlines"),
    ]

    operations = [
        # Going back leaves the dates: they are what the referrals would have had if sent today.
        migrations.RunPython(backfill_deadlines, migrations.RunPython.noop),
    ]
