"""The one role check of every page: who is not in the roles asked for gets a 404, never a 403.

``carecoord.web`` builds the named decorators (``staff_required``,
``supervisor_required``, ``family_required``) from it; the team pages here use
it directly, since accounts sits below the shared toolkit.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .permissions import has_role


def role_required(*roles):
    """Pages for users of ``roles``: anonymous visitors sign in, anyone else signed in gets a 404.

    A service that refuses the actor (``PermissionDenied``) is a 404 too, so a
    page never confirms that a record outside the user's scope exists.
    """

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise Http404
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                raise Http404 from None

        return wrapper

    return decorator
