"""The portal's part of every request: sessions of removed logins end, and families get their language.

* A login whose access was removed (deactivated) no longer authenticates; its
  session is ended at its next request, wherever it goes.
* A family user signing in gets the language cookie of their language (set by
  ``portal.signals.open_in_family_language``), so the portal opens in it.
* A family user who switches language keeps the choice for their next sign-in.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.urls import reverse

from accounts.permissions import is_family_member


class PortalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session and not request.user.is_authenticated:
            logout(request)
        response = self.get_response(request)
        language = getattr(request, "portal_language", None)
        if language:
            set_language_cookie(response, language)
        elif request.method == "POST" and request.path == reverse("set_language"):
            self._remember_choice(request, response)
        return response

    @staticmethod
    def _remember_choice(request, response):
        cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        user = request.user
        if cookie and is_family_member(user) and cookie.value != user.language:
            user.language = cookie.value
            user.save(update_fields=["language"])


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
