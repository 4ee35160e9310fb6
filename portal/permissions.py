"""Who reaches the portal and whose family they see. Every portal view goes through here.

A family user sees one family: the one of the caregiver their login is linked
to. No portal address carries a family or child id, so there is nothing to
guess; staff have no portal and get a 404 there.
"""

from accounts.permissions import is_family_member
from cases.models import Caregiver
from cases.permissions import families_visible_to


def portal_caregiver(user):
    """The caregiver whose portal ``user`` opens, or None (staff, inactive, or a login not linked)."""
    if not is_family_member(user):
        return None
    return Caregiver.objects.select_related("family").filter(user=user).first()


def caregivers_managed_by(user):
    """Caregivers whose portal access a staff user may grant and remove: those of families they see."""
    return Caregiver.objects.filter(family__in=families_visible_to(user))
