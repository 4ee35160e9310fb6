"""Template filters shared by every app."""

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration(value):
    """A timedelta in words a coordinator reads at a glance: days, or hours under two days."""
    if value is None:
        return ""
    hours = int(value.total_seconds() // 3600)
    if hours >= 48:
        days = hours // 24
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
