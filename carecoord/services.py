"""Write helpers every app's services share: row locks, version checks, stamped saves."""

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _


class StaleEdit(ValidationError):
    """The record changed since the form was opened; nothing was saved."""

    def __init__(self, instance):
        when = formats.date_format(timezone.localtime(instance.updated_at), "DATETIME_FORMAT")
        who = str(instance.updated_by) if instance.updated_by else _("someone")
        super().__init__(
            _(
                "This record was changed by %(who)s at %(when)s since you opened it. Nothing was saved: "
                "review the current values and make your change again."
            )
            % {"who": who, "when": when},
            code="stale",
        )
        self.instance = instance


def lock(instance):
    """Re-read ``instance`` under a row lock for the rest of the transaction."""
    return type(instance).objects.select_for_update().get(pk=instance.pk)


def check_version(current, version):
    """Refuse a form opened on an older version of ``current`` (None: no check)."""
    if version is not None and int(version) != current.version:
        raise StaleEdit(current)


def save_tracked(instance, actor, *, created=False):
    """Stamp who changed a TrackedModel record, bump its version, validate and save."""
    if created:
        instance.created_by = actor
    else:
        instance.version += 1
    instance.updated_by = actor
    instance.full_clean()
    instance.save()
    return instance
