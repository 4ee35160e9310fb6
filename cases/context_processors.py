from .emergency import active_grants
from .permissions import emergency_grants, may_request_emergency_access


def emergency_access(request):
    """The banner of running emergency grants: shown on every page while one lasts (a query only then)."""
    user = getattr(request, "user", None)
    if user is None or not may_request_emergency_access(user) or not emergency_grants(user):
        return {}
    return {"emergency_grants": list(active_grants(user))}
