"""How long a signed-in session lasts: idle limits by role and an absolute lifetime from sign-in.

The times live in the session itself (seconds since the epoch), so the rule holds on every
app server and whether or not the page's warning script runs.
"""

import time

from django.conf import settings
from django_otp import user_has_device

SIGNED_IN_AT_KEY = "carecoord_signed_in_at"
LAST_ACTIVITY_KEY = "carecoord_last_activity"
# Activity is written to the session at most this often (seconds), so a burst of requests (a page
# and its htmx parts) saves the session once; the idle limit is counted to within this much.
TOUCH_EVERY_SECONDS = 15
# Whether the user had a two-factor device when signing in (so verification is asked of them).
ENROLLED_KEY = "carecoord_2fa_enrolled"


def idle_limit_seconds(user):
    """Staff are signed out after CARECOORD_STAFF_IDLE_MINUTES idle, family users after their own limit."""
    minutes = (
        settings.CARECOORD_FAMILY_IDLE_MINUTES if user.is_family else settings.CARECOORD_STAFF_IDLE_MINUTES
    )
    return minutes * 60


def max_age_seconds():
    return settings.CARECOORD_SESSION_MAX_HOURS * 60 * 60


def session_start(request, user):
    """Stamp a new sign-in: its start, its first activity, and whether two-factor is to be asked."""
    now = time.time()
    request.session[SIGNED_IN_AT_KEY] = now
    request.session[LAST_ACTIVITY_KEY] = now
    request.session[ENROLLED_KEY] = user.is_staff_member and user_has_device(user)


def session_touch(request, force=False):
    """Count this request as activity (written at most every TOUCH_EVERY_SECONDS unless forced)."""
    now = time.time()
    if force or now - request.session.get(LAST_ACTIVITY_KEY, 0) >= TOUCH_EVERY_SECONDS:
        request.session[LAST_ACTIVITY_KEY] = now


def seconds_left(request, user, now=None):
    """Seconds until the session ends, whichever limit comes first (0 or less: it has ended)."""
    now = time.time() if now is None else now
    session = request.session
    if SIGNED_IN_AT_KEY not in session:
        return idle_limit_seconds(user)
    idle_left = session.get(LAST_ACTIVITY_KEY, 0) + idle_limit_seconds(user) - now
    age_left = session[SIGNED_IN_AT_KEY] + max_age_seconds() - now
    return min(idle_left, age_left)


def session_ended_reason(request, user, now=None):
    """Why the session has ended ("idle" or "age"), or None while it lasts."""
    now = time.time() if now is None else now
    session = request.session
    if SIGNED_IN_AT_KEY not in session:
        return None
    if now - session[SIGNED_IN_AT_KEY] >= max_age_seconds():
        return "age"
    if now - session.get(LAST_ACTIVITY_KEY, 0) >= idle_limit_seconds(user):
        return "idle"
    return None


def session_started(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: every sign-in starts its limits afresh."""
    if request is not None and hasattr(request, "session"):
        session_start(request, user)
