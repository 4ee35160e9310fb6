"""Calendar addresses are no longer kept in clear: each feed gets a random seed the address is derived from,
and an address made before keeps working through the SHA-256 hash of its token.

Each existing feed gets a seed, so the portal shows it a new-form address to
add on another device, and the hash of its old token, so the phones already
subscribed keep receiving appointments. The clear token is then dropped.
Going back cannot restore the old tokens: each feed gets a fresh one (its
caregiver subscribes again).
"""

import hashlib
import secrets

from django.db import migrations, models

import portal.models

BATCH_SIZE = 500


def _new_secret():
    # As portal.models.new_secret at this migration: 256 bits, URL-safe.
    return secrets.token_urlsafe(32)


def hash_old_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("portal", "CalendarFeed")
    feeds = CalendarFeed.objects.filter(token__isnull=False).order_by("pk")
    changed = []
    for feed in feeds.iterator(chunk_size=BATCH_SIZE):
        feed.legacy_token_hash = hashlib.sha256(feed.token.encode()).hexdigest()
        feed.seed = _new_secret()
        feed.token = None
        changed.append(feed)
        if len(changed) >= BATCH_SIZE:
            CalendarFeed.objects.bulk_update(changed, ["legacy_token_hash", "seed", "token"])
            changed = []
    CalendarFeed.objects.bulk_update(changed, ["legacy_token_hash", "seed", "token"])


def issue_clear_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("portal", "CalendarFeed")
    changed = []
    for feed in CalendarFeed.objects.order_by("pk").iterator(chunk_size=BATCH_SIZE):
        feed.token = _new_secret()
        changed.append(feed)
    CalendarFeed.objects.bulk_update(changed, ["token"], batch_size=BATCH_SIZE)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="seed",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="calendarfeed",
            name="legacy_token_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(hash_old_tokens, issue_clear_tokens),
        migrations.RemoveField(
            model_name="calendarfeed",
            name="token",
        ),
        migrations.AlterField(
            model_name="calendarfeed",
            name="seed",
            field=models.CharField(default=portal.models.new_secret, editable=False, max_length=64),
        ),
    ]
