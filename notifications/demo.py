"""The demo coordinator's "For you" inbox: past answers of organizations and supervisors, each pointing at a
real demo record. What the hourly follow-up job makes (overdue tasks, follow-up rules, escalations to the
supervisors) is made by running that job at the end of the demo, not here.

The loader (``carecoord.demo``) finds the records and passes them as ``places``:
a name → ``{"url": path, ...names}`` mapping, so this app needs nothing from the
apps above it. Idempotent: each item carries a demo key, made once per person.
"""

import datetime

from django.utils import timezone

from .models import Notification

K = Notification.Kind

# key, kind, place, extra params, hours ago, read, urgent
ITEMS = [
    ("appointment-speech", K.APPOINTMENT_PROPOSED, "speech_referral", {}, 5, False, False),
    ("accepted-neuromuscular", K.REFERRAL_ACCEPTED, "neuromuscular_referral", {}, 50, True, False),
    ("delivered-rides", K.SERVICE_DELIVERED, "rides_referral", {}, 75, True, False),
    ("portal-maria", K.PORTAL_FIRST_SIGN_IN, "hernandez_family", {}, 96, True, False),
    ("reviewed-johnson", K.CASE_REVIEWED, "johnson_review", {}, 120, True, False),
]


def seed_notifications(*, recipient, places):
    """Give ``recipient`` the demo items whose place exists; return how many were made now."""
    now = timezone.now()
    made = 0
    for key, kind, place_name, extra, hours_ago, read, urgent in ITEMS:
        place = places.get(place_name)
        if place is None:
            continue
        params = {name: value for name, value in place.items() if name != "url"} | extra
        item, created = Notification.objects.get_or_create(
            recipient=recipient,
            key=f"demo:{key}",
            defaults={"kind": kind, "url": place["url"], "params": params, "urgent": urgent},
        )
        if not created:
            continue
        made += 1
        when = now - datetime.timedelta(hours=hours_ago)
        # Backdated like the records they report, and already emailed: the demo sends no mail.
        Notification.objects.filter(pk=item.pk).update(
            created_at=when, read_at=when + datetime.timedelta(hours=1) if read else None, emailed_at=when
        )
    return made
