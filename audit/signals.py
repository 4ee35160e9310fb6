"""Sign-ins, sign-outs, failed sign-ins and lockouts go into the access log as they happen."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AccessEvent
from .record import write


@receiver(user_logged_in, dispatch_uid="audit-sign-in")
def _signed_in(sender, request, user, **kwargs):
    write(request, AccessEvent.Action.SIGN_IN, user=user)


@receiver(user_logged_out, dispatch_uid="audit-sign-out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        write(request, AccessEvent.Action.SIGN_OUT, user=user)


@receiver(user_login_failed, dispatch_uid="audit-sign-in-failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    write(request, AccessEvent.Action.SIGN_IN_FAILED, username=str(credentials.get("username") or ""))


@receiver(user_locked_out, dispatch_uid="audit-locked-out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    write(request, AccessEvent.Action.LOCKED_OUT, username=str(username or ""))
