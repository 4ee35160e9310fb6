"""The portal's panel on the staff family page: who has portal access, invitations, removal."""

from django.db.models import Prefetch
from django.utils import timezone

from .models import PortalInvitation

# The session key under which a just-made invitation link waits to be shown, once.
NEW_LINK_SESSION_KEY = "portal_new_invitation"


class CaregiverAccess:
    """One caregiver's portal state as the family page shows it."""

    def __init__(self, caregiver, now, new_link):
        self.caregiver = caregiver
        user = caregiver.user
        self.user = user
        self.has_access = user is not None and user.is_active
        self.removed = user is not None and not user.is_active
        invitations = list(caregiver.portal_invitations.all())
        self.pending = next(
            (i for i in invitations if i.state_at(now) == PortalInvitation.State.PENDING), None
        )
        self.latest = invitations[0] if invitations else None
        self.new_link = new_link


def family_portal_panel(request, family):
    """Each caregiver's portal access; a link made a moment ago is shown once, to copy."""
    new = request.session.pop(NEW_LINK_SESSION_KEY, None) if hasattr(request, "session") else None
    caregivers = family.caregivers.select_related("user").prefetch_related(
        Prefetch("portal_invitations", queryset=PortalInvitation.objects.order_by("-created_at", "-id"))
    )
    now = timezone.now()
    rows = [
        CaregiverAccess(
            caregiver, now, new["link"] if new and new.get("caregiver") == str(caregiver.uuid) else ""
        )
        for caregiver in caregivers
    ]
    return "portal/family_panel.html", {"caregivers": rows, "family": family}
