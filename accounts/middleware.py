"""The accounts part of every request: the session rule, and the language a sign-in opens in.

* A login that was turned off (``user_deactivate``) no longer authenticates;
  its session is ended at its next request, wherever it goes.
* A sign-in that chose a language for the user (``request.sign_in_language``,
  set by a ``user_logged_in`` receiver such as the family portal's) gets the
  language cookie on its response, so the next page opens in it.

Nothing here writes to the database: saving a user's chosen language is
``accounts.views.set_language``'s, through ``user_language_set``.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout


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
