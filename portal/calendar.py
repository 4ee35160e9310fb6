"""A caregiver's appointments as an iCalendar (RFC 5545) feed, for a phone's calendar to subscribe to."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

# Calendar apps poll a subscription; ask them to do it about every hour.
REFRESH_INTERVAL = datetime.timedelta(hours=1)


def _description(appointment):
    lines = []
    if appointment.instructions:
        lines.append(_("Instructions and what to bring: %(text)s") % {"text": appointment.instructions})
    if appointment.transportation_arranged:
        ride = _("Transportation arranged")
        if appointment.transportation_details:
            ride = f"{ride}: {appointment.transportation_details}"
        lines.append(ride)
    lines.append(_("Status: %(status)s") % {"status": appointment.status_label})
    return "\n".join(lines)


def calendar_feed(summary):
    """The appointments of ``summary`` (a FamilySummary) as iCalendar bytes.

    Times are written in the center's time zone with its VTIMEZONE, so a phone
    in another zone still shows the right hour. Cancelled appointments stay in
    the feed, marked CANCELLED, so a subscribed calendar removes them.
    """
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//carecoord//family portal//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _("Appointments — %(family)s") % {"family": summary.family_name}
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    for appointment in summary.appointments:
        event = Event()
        event.add("uid", f"{appointment.uuid}@carecoord")
        event.add("dtstamp", stamp)
        event.add("dtstart", appointment.start.astimezone(zone))
        event.add("dtend", appointment.end.astimezone(zone))
        event.add(
            "summary",
            _("%(child)s: %(provider)s")
            % {"child": appointment.child_name, "provider": appointment.provider},
        )
        location = ", ".join(part for part in (appointment.place, appointment.address) if part)
        if location:
            event.add("location", location)
        event.add("description", _description(appointment))
        event.add("status", "CANCELLED" if appointment.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    # The zone's rules from a year before the first event to two years after the last one:
    # enough for any calendar app, and a fraction of the 1970–2038 default.
    events = summary.appointments
    today = timezone.localdate()
    first = min([today, *(a.start.astimezone(zone).date() for a in events)])
    last = max([today, *(a.end.astimezone(zone).date() for a in events)])
    calendar.add_missing_timezones(
        first_date=first - datetime.timedelta(days=366), last_date=last + datetime.timedelta(days=2 * 366)
    )
    return calendar.to_ical()
