"""The unread count in the header of every staff page."""

import functools

from .models import Notification


def unread_notifications(request):
    """``unread_notification_count``: one COUNT, only if the page shows it, only for signed-in staff."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_member:
        return {}

    @functools.cache
    def count():
        return Notification.objects.for_user(user).unread().count()

    return {"unread_notification_count": count}
