"""Sign-in lockout (django-axes): who is locked out, from which address, and the page they see.

Two counts, both over the failures of the last ``CARECOORD_LOGIN_COOLOFF_MINUTES``:

* a username from one address: ``CARECOORD_LOGIN_FAILURE_LIMIT`` failures lock that
  username out *from that address only*, so nobody can lock a colleague out from elsewhere;
* one address, whatever the usernames: ``CARECOORD_LOGIN_ADDRESS_FAILURE_LIMIT`` failures
  (much higher, since a clinic's staff may share one address) stop an address that tries
  many usernames.

Axes compares one count with one limit, so the handler scales the address count onto the
username limit: an address reaches it exactly when its own, higher limit is reached.
"""

import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone


def client_ip_address(request):
    """The client's address: the connection's, or X-Forwarded-For's as far as trusted proxies wrote it.

    Each of ``CARECOORD_TRUSTED_PROXY_COUNT`` proxies appends the address it was reached
    from, so the client is that many entries from the right; anything further left was
    written by the client and is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.CARECOORD_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    candidate = forwarded[-count] if len(forwarded) >= count else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def address_limit():
    return settings.CARECOORD_LOGIN_ADDRESS_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a username-and-address limit and a higher address-only limit."""

    def get_failures(self, request, credentials=None):
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        by_username = counts[0]
        if len(counts) < 2 or not address_limit():
            return by_username
        # An address reaches the username limit when it reaches its own: floor(n * u / a) >= u ⟺ n >= a.
        by_address = counts[1] * settings.AXES_FAILURE_LIMIT // address_limit()
        return max(by_username, by_address)

    def reset_user_attempts(self, request, credentials=None):
        """A successful sign-in clears that username's failures, not the address's count of others."""
        deleted, _kinds = self.filter_user_attempts(request, credentials)[0].delete()
        return deleted


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page, in the site's layout, saying when signing in may be tried again."""
    minutes = settings.CARECOORD_LOGIN_COOLOFF_MINUTES
    retry_at = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    context = {"retry_at": retry_at, "minutes": math.ceil(minutes)}
    return render(request, "registration/locked_out.html", context, status=429)
