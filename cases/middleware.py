import time

from .permissions import NO_GRANTS, emergency_grants, may_request_emergency_access

SESSION_KEY = "carecoord_emergency_until"


class EmergencyAccessMiddleware:
    """Reads a staff user's emergency grants once per request, and only while the session has one.

    The session keeps when the user's last grant ends (0 for none), checked against the
    database once per session; so a request without a grant costs no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and may_request_emergency_access(user):
            until = request.session.get(SESSION_KEY)
            if until is None or until > time.time():
                grants = emergency_grants(user)
                remember(request, grants)
            else:
                user.emergency_grants = NO_GRANTS
        return self.get_response(request)


def remember(request, grants):
    """Keep in the session when the user's grants end: after a new grant, or on a session's first request."""
    value = grants.until.timestamp() if grants else 0
    if request.session.get(SESSION_KEY) != value:
        request.session[SESSION_KEY] = value
