"""Staff actions on the family page: invite a caregiver, revoke an invitation, remove access."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.record import get_noted_or_404
from carecoord.web import staff_required

from . import services
from .models import PortalInvitation
from .panels import NEW_LINK_SESSION_KEY
from .permissions import caregivers_managed_by


def _caregiver(request, uuid):
    return get_noted_or_404(
        request, caregivers_managed_by(request.user).select_related("family", "user"), uuid=uuid
    )


def _back_to_family(caregiver):
    return redirect(reverse("cases:family-detail", args=[caregiver.family.uuid]) + "#portal-access")


@staff_required
@require_POST
def invitation_create(request, uuid):
    """Make a one-time link for the caregiver; the family page shows it once, to copy."""
    caregiver = _caregiver(request, uuid)

    def link_for(token):
        return request.build_absolute_uri(reverse("portal:invitation-accept", args=[token]))

    try:
        invitation, link = services.invitation_create(
            caregiver=caregiver, actor=request.user, link_for=link_for
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_family(caregiver)
    request.session[NEW_LINK_SESSION_KEY] = {"caregiver": str(caregiver.uuid), "link": link}
    if invitation.emailed_to:
        messages.success(
            request,
            _("Invitation made and emailed to %(email)s. You can also copy the link below.")
            % {"email": invitation.emailed_to},
        )
    else:
        messages.success(request, _("Invitation made. Copy the link below and send it to the caregiver."))
    return _back_to_family(caregiver)


@staff_required
@require_POST
def invitation_revoke(request, uuid):
    invitation = get_noted_or_404(
        request,
        PortalInvitation.objects.filter(caregiver__in=caregivers_managed_by(request.user)).select_related(
            "caregiver__family"
        ),
        uuid=uuid,
    )
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
        messages.success(request, _("Invitation revoked: its link no longer works."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to_family(invitation.caregiver)


@staff_required
def access_remove(request, uuid):
    """Confirm, then deactivate the caregiver's portal login."""
    caregiver = _caregiver(request, uuid)
    if request.method == "POST":
        try:
            services.portal_access_remove(caregiver=caregiver, actor=request.user)
            messages.success(
                request, _("Portal access removed for %(caregiver)s.") % {"caregiver": caregiver}
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return _back_to_family(caregiver)
    return render(request, "portal/access_remove.html", {"caregiver": caregiver, "family": caregiver.family})
