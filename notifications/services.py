"""Every write of the inbox: items made by other services' changes, and their reading."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification, NotificationPreference, default_delivery


def _plain(params):
    """Parameters as JSON-safe plain values: dates as ISO strings, everything else as text."""
    plain = {}
    for name, value in (params or {}).items():
        if hasattr(value, "isoformat"):
            plain[name] = value.isoformat()
        elif value is None or isinstance(value, (bool, int, float)):
            plain[name] = value
        else:
            plain[name] = str(value)
    return plain


def notify(*, recipients, kind, url, params=None, urgent=False, key=""):
    """Put one item in each recipient's inbox, in the caller's transaction; returns the items made now.

    Inactive users and repeated recipients are skipped. With ``key``, a recipient
    who already has an item of that key gets no second one, so a rule that runs
    again, or twice at once, reports once. Recipients who asked for email at once
    are emailed after the transaction commits (``notifications.email``).
    """
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown notification kind: {kind}")
    params = _plain(params)
    made = []
    seen = set()
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        if key and Notification.objects.filter(recipient=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                made.append(
                    Notification.objects.create(
                        recipient=user, kind=kind, url=url, params=params, urgent=urgent, key=key
                    )
                )
        except IntegrityError:
            # The same keyed item was made a moment ago by an overlapping run.
            if key and Notification.objects.filter(recipient=user, key=key).exists():
                continue
            raise
    immediate = [
        item.pk
        for item in made
        if delivery_for(item.recipient, kind) == NotificationPreference.Delivery.IMMEDIATE
    ]
    if immediate:
        from .email import email_immediately

        transaction.on_commit(lambda: email_immediately(immediate))
    return made


def delivery_for(user, kind):
    """How ``user`` wants items of ``kind``: their choice, or the default for the kind."""
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True).first()
    )
    return chosen or default_delivery(kind)


@transaction.atomic
def notification_mark_read(*, notification, actor):
    """Mark one of the actor's own items read (marking it again changes nothing)."""
    if notification.recipient_id != actor.pk:
        raise Notification.DoesNotExist
    updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return updated == 1


@transaction.atomic
def notifications_mark_all_read(*, actor):
    """Mark every unread item of the actor's read; returns how many."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
