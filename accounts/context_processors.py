from django.conf import settings

from .sessions import idle_limit_seconds


def session_timeout(request):
    """The signed-in page's idle limit and warning time, for the idle warning script."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_idle_seconds": idle_limit_seconds(user),
        "session_warning_seconds": settings.CARECOORD_IDLE_WARNING_SECONDS,
    }
