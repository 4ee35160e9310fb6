"""Write helpers every app's services share: row locks, version checks, declared updates, stamped saves."""

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# What every stamped save writes besides the fields a service changed.
STAMP_FIELDS = ("version", "updated_by", "updated_at")


class StaleEdit(ValidationError):
    """The record changed since the form was opened; nothing was saved."""

    def __init__(self, instance, message=None):
        if message is None:
            when = formats.date_format(timezone.localtime(instance.updated_at), "DATETIME_FORMAT")
            who = str(instance.updated_by) if instance.updated_by else _("someone")
            message = _(
                "This record was changed by %(who)s at %(when)s since you opened it. Nothing was saved: "
                "review the current values and make your change again."
            ) % {"who": who, "when": when}
        super().__init__(message, code="stale")
        self.instance = instance


class VersionMissing(StaleEdit):
    """An edit that does not say which version it was made on is refused, never an unchecked overwrite."""

    def __init__(self, instance):
        super().__init__(
            instance,
            _(
                "This change did not say which version of the record it was made on. Nothing was saved: "
                "review the current values and make your change again."
            ),
        )


def lock(instance):
    """Re-read ``instance`` under a row lock for the rest of the transaction."""
    return type(instance).objects.select_for_update().get(pk=instance.pk)


def check_version(current, version):
    """Refuse an edit made on an older version of ``current``, or on no stated version."""
    if version is None or version == "":
        raise VersionMissing(current)
    try:
        stated = int(version)
    except (TypeError, ValueError):
        # A version that is no number (a hand-made request) names no version of the record.
        raise VersionMissing(current) from None
    if stated != current.version:
        raise StaleEdit(current)


def is_repeated_edit(current, *, version, actor):
    """Whether an edit made on ``version`` repeats the change ``actor`` just saved (a double click, a
    form sent twice): ``current`` is exactly one version past it and ``actor`` made that change.

    A service that can also see its own effect in ``current`` (the status
    reached, the reason recorded) returns the saved record for such a repeat
    instead of refusing it as stale; anything else stays refused. ``actor`` is
    None for a change made from outside (the receiving organization's link).
    """
    if not str(version if version is not None else "").isdigit():
        return False
    return current.version == int(version) + 1 and current.updated_by_id == getattr(actor, "pk", None)


def refuse_unknown_fields(data, fields):
    """A caller may pass only the fields a service names; a team, a status or a version never slips in."""
    refused = sorted(set(data) - set(fields))
    if refused:
        raise ValidationError(
            _("%(fields)s cannot be edited here: they change only through their own action.")
            % {"fields": ", ".join(refused)}
        )


def model_update(*, instance, fields, data):
    """Set ``instance``'s ``fields`` from ``data``; return the names that changed (HackSoft's model_update).

    ``fields`` are the only names an update service edits: anything else in
    ``data`` is refused before a value is touched.
    """
    refuse_unknown_fields(data, fields)
    changed = []
    for name in fields:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed


def save_tracked(instance, actor, *, created=False, update_fields=None):
    """Stamp who changed a TrackedModel record, bump its version, validate and save.

    An update names what it changed (``update_fields``); the stamps are added,
    and nothing else of the row is written.
    """
    if created:
        instance.created_by = actor
    else:
        instance.version += 1
    instance.updated_by = actor
    instance.full_clean()
    if created or update_fields is None:
        instance.save()
    else:
        instance.save(update_fields=sorted({*update_fields, *STAMP_FIELDS}))
    return instance
