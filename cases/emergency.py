"""Emergency ("break-glass") access: a staff user opens a case outside their teams for a stated reason.

The grant lasts ``CARECOORD_EMERGENCY_ACCESS_HOURS`` (4 by default), reaches the
case and its household, shows a banner on every page while it lasts, marks every
access-log entry it allows, and tells the case team's supervisors at once.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.models import Notification
from notifications.services import notify

from .models import EmergencyAccess
from .permissions import may_request_emergency_access, works_in_team

EXPLANATION_MIN_LENGTH = 15


def grant_hours():
    return settings.CARECOORD_EMERGENCY_ACCESS_HOURS


def emergency_access_grant(*, actor, case, reason, explanation):
    """Open ``case`` to ``actor`` for a limited time; asked twice while it lasts, the same grant stands."""
    if not may_request_emergency_access(actor):
        raise PermissionDenied
    if works_in_team(actor, case.team_id):
        raise ValidationError(_("You work in this case's team: open it as usual."))
    explanation = (explanation or "").strip()
    errors = {}
    if reason not in EmergencyAccess.Reason.values:
        errors["reason"] = _("Choose the reason for emergency access.")
    if len(explanation) < EXPLANATION_MIN_LENGTH:
        errors["explanation"] = _(
            "Say in a sentence why this cannot wait for the family's team (at least %(count)d characters)."
        ) % {"count": EXPLANATION_MIN_LENGTH}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One grant at a time per person: a double click finds the first one made.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        now = timezone.now()
        grant = EmergencyAccess.objects.filter(user=actor, case=case, ends_at__gt=now).first()
        if grant is not None:
            return grant
        grant = EmergencyAccess.objects.create(
            user=actor,
            case=case,
            reason=reason,
            explanation=explanation,
            started_at=now,
            ends_at=now + datetime.timedelta(hours=grant_hours()),
        )
        supervisors = User.objects.filter(teams=case.team_id, role=User.Role.SUPERVISOR, is_active=True)
        notify(
            recipients=supervisors,
            kind=Notification.Kind.EMERGENCY_ACCESS,
            url=reverse("supervision:family-access", args=[case.family.uuid]),
            params={
                "user": actor.get_full_name() or actor.username,
                "user_team": ", ".join(actor.teams.order_by("name").values_list("name", flat=True)),
                "family": case.family.name,
                "until_at": grant.ends_at.isoformat(),
            },
            urgent=True,
            key=f"emergency-access:{grant.uuid}",
        )
    # The user's grants were read before this one existed.
    actor.emergency_grants = None
    return grant


def active_grants(user):
    """The user's grants still running, with their case and household, for the banner."""
    return (
        EmergencyAccess.objects.filter(user=user, ends_at__gt=timezone.now())
        .select_related("case__family", "case__team")
        .order_by("ends_at")
    )
