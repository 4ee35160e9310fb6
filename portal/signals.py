"""Cross-app notifications the portal listens to."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from accounts.models import User

from .services import portal_first_sign_in_notify, user_language


@receiver(user_logged_in, dispatch_uid="portal.open_in_family_language")
def open_in_family_language(sender, request, user, **kwargs):
    """A family user's portal opens in their language; AccountsMiddleware sets the cookie on the response."""
    if request is None or user.role != User.Role.FAMILY:
        return
    language = user_language(user)
    if language:
        translation.activate(language)
        request.sign_in_language = language


@receiver(user_logged_in, dispatch_uid="portal.first_sign_in")
def tell_coordinators_of_first_sign_in(sender, request, user, **kwargs):
    """A caregiver's first portal sign-in reaches the inbox of the family's coordinators."""
    if user.role == User.Role.FAMILY:
        portal_first_sign_in_notify(user=user)
