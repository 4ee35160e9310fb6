"""The accounts part of every request: the session rules, two-factor, and the language a sign-in opens in.

* A login that was turned off (``user_deactivate``) no longer authenticates;
  its session is ended at its next request, wherever it goes.
* A session ends after its idle limit (staff and family users have their own)
  or its absolute lifetime (``SessionLimitsMiddleware``; ``accounts.sessions``).
* A staff user who must verify a second factor reaches nothing but the
  two-factor pages until they have (``TwoFactorMiddleware``).
* A sign-in that chose a language for the user (``request.sign_in_language``,
  set by a ``user_logged_in`` receiver such as the family portal's) gets the
  language cookie on its response, so the next page opens in it.

Nothing here writes to the database: saving a user's chosen language is
``accounts.views.set_language``'s, through ``user_language_set``.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django_otp import user_has_device

from .sessions import (
    ENROLLED_KEY,
    SIGNED_IN_AT_KEY,
    idle_limit_seconds,
    session_ended_reason,
    session_start,
    session_touch,
)


class AccountsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session and not request.user.is_authenticated:
            logout(request)
        response = self.get_response(request)
        language = getattr(request, "sign_in_language", None)
        if language:
            set_language_cookie(response, language)
        return response


def set_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def is_session_check(request):
    """The idle warning's question "how long have I left?": it reads the session without extending it."""
    return request.method == "GET" and request.path == reverse("accounts:session")


class SessionLimitsMiddleware:
    """Sign out a session past its idle limit or its lifetime; any other request extends the idle limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            reason = session_ended_reason(request, user)
            if reason:
                return self.signed_out(request, user, reason)
            if SIGNED_IN_AT_KEY not in request.session:
                # A session signed in before these rules: its limits count from now.
                session_start(request, user)
            elif not is_session_check(request):
                # "Stay signed in" always counts; other requests at most every few seconds.
                session_touch(request, force=request.path == reverse("accounts:session"))
        return self.get_response(request)

    def signed_out(self, request, user, reason):
        if reason == "idle":
            minutes = idle_limit_seconds(user) // 60
            message = ngettext(
                "You were signed out after %(minutes)d minute without activity.",
                "You were signed out after %(minutes)d minutes without activity.",
                minutes,
            ) % {"minutes": minutes}
        else:
            hours = settings.CARECOORD_SESSION_MAX_HOURS
            message = ngettext(
                "You were signed out %(hours)d hour after signing in.",
                "You were signed out %(hours)d hours after signing in.",
                hours,
            ) % {"hours": hours}
        logout(request)
        messages.info(request, message)
        login_url = reverse(settings.LOGIN_URL)
        if request.path == reverse("accounts:session"):
            return JsonResponse({"remaining": 0, "login_url": login_url}, status=401)
        if getattr(request, "htmx", False):
            return HttpResponse(status=204, headers={"HX-Redirect": login_url})
        return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")


# Pages a staff user reaches before verifying: the two-factor pages themselves, the session
# check, the language switch and signing out.
TWO_FACTOR_OPEN_VIEWS = {
    "logout",
    "set_language",
    "accounts:session",
    "accounts:two-factor-setup",
    "accounts:two-factor-verify",
}


def two_factor_required(request):
    """Staff verify a second factor when the site requires it, or when they enrolled one anyway."""
    return settings.CARECOORD_REQUIRE_2FA or bool(request.session.get(ENROLLED_KEY))


class TwoFactorMiddleware:
    """A staff user who has not verified a second factor is sent to enrol or to verify first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_staff_member) or user.is_verified():
            return None
        if not two_factor_required(request) or request.resolver_match.view_name in TWO_FACTOR_OPEN_VIEWS:
            return None
        target = "accounts:two-factor-verify" if user_has_device(user) else "accounts:two-factor-setup"
        url = reverse(target)
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)
