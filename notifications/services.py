"""Every write of the inbox: items made by other services' changes, their reading, and their delivery."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import Notification, NotificationPreference, default_delivery

Delivery = NotificationPreference.Delivery


def is_site_path(url):
    """True for an address on this site given as a path (``/cases/…``), never another site's."""
    return (
        isinstance(url, str)
        and url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


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
    if not is_site_path(url):
        raise ValueError(f"A notification links to a path on this site, not {url!r}")
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


def deliveries_for(user):
    """Every kind with how ``user`` wants it delivered: their choice, or the kind's default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, default_delivery(kind)) for kind in Notification.Kind.values}


@transaction.atomic
def notification_preferences_set(*, actor, choices):
    """Keep the actor's delivery choice per kind; email choices need an email address on the account.

    ``choices`` maps kinds to deliveries; a kind left out keeps its current
    choice. A choice equal to the kind's default is stored as no row, so the
    person follows the default if it changes. Returns the deliveries now in force.
    """
    if not actor.is_active or not actor.is_staff_member:
        raise PermissionDenied
    errors = {}
    for kind, delivery in choices.items():
        if kind not in Notification.Kind.values:
            errors[kind] = _("Unknown kind of item.")
        elif delivery not in Delivery.values:
            errors[kind] = _("Choose how these items reach you.")
        elif delivery != Delivery.IN_APP and not actor.email:
            errors[kind] = _("Your account has no email address: these items can only be shown in the app.")
    if errors:
        raise ValidationError(errors)
    for kind, delivery in choices.items():
        if delivery == default_delivery(kind):
            NotificationPreference.objects.filter(user=actor, kind=kind).delete()
        else:
            preference = NotificationPreference(user=actor, kind=kind, delivery=delivery)
            preference.full_clean(validate_unique=False, validate_constraints=False)
            NotificationPreference.objects.update_or_create(
                user=actor, kind=kind, defaults={"delivery": delivery}
            )
    return deliveries_for(actor)


def digests_send(*, now=None):
    """Email each person who chose a digest one message: their unread, not yet emailed items of those kinds.

    Items are claimed (``emailed_at`` stamped) before the message goes, so two
    runs, at once or one after the other, never send an item twice; if the mail
    server refuses, the claim is undone and the next run tries again. Returns how
    many people were emailed.
    """
    now = now or timezone.now()
    kinds_by_user = defaultdict(set)
    for user_id, kind in (
        NotificationPreference.objects.filter(delivery=Delivery.DIGEST, user__is_active=True)
        .exclude(user__email="")
        .values_list("user_id", "kind")
    ):
        kinds_by_user[user_id].add(kind)
    from .email import email_digest

    sent = 0
    for user_id, kinds in kinds_by_user.items():
        with transaction.atomic():
            items = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(recipient_id=user_id, kind__in=kinds, created_at__lte=now)
                .unread()
                .filter(emailed_at__isnull=True)
                .order_by("-urgent", "-created_at", "-pk")
            )
            if not items:
                continue
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(emailed_at=now)
        if email_digest(items[0].recipient, items):
            sent += 1
        else:
            Notification.objects.filter(pk__in=[item.pk for item in items], emailed_at=now).update(
                emailed_at=None
            )
    return sent
