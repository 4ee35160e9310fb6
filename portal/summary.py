"""What a family sees: the one read the portal page, the printable summary, the PDF and the calendar share.

Records are copied into small read-only objects holding only the fields a
family may see, so no template, PDF or calendar event can reach an internal
note, an activity or a referral's history by accident.
"""

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.utils import timezone

from cases.models import Case, Goal
from referrals.models import Appointment

# Past appointments shown: the last six months.
PAST_DAYS = 183

# The only appointment fields that leave the center.
APPOINTMENT_FIELDS = (
    "uuid",
    "child_id",
    "start",
    "duration_minutes",
    "provider",
    "place",
    "address",
    "status",
    "transportation_arranged",
    "transportation_details",
    "instructions_for_family",
)


def tel_address(phone):
    """A phone number as a tel: address: its digits (and a leading +), a pause (",") before an extension."""
    parts = re.split(r"(?i)ext\.?|x", phone, maxsplit=1)
    number, extension = parts[0], parts[1] if len(parts) > 1 else ""
    digits = ("+" if number.strip().startswith("+") else "") + re.sub(r"\D", "", number)
    extension = re.sub(r"\D", "", extension)
    return f"{digits},{extension}" if extension else digits


def map_url(*parts):
    """A plain OpenStreetMap search for an address: a link, no map script on our pages."""
    query = ", ".join(part for part in parts if part)
    if not query:
        return ""
    return "https://www.openstreetmap.org/search?" + urlencode({"query": query})


@dataclass(frozen=True)
class FamilyAppointment:
    uuid: str
    start: datetime.datetime
    end: datetime.datetime
    provider: str
    place: str
    address: str
    status: str
    status_label: str
    transportation_arranged: bool
    transportation_details: str
    instructions: str
    child_name: str
    # Days from today (in the center's time zone) to the appointment's day: 0 today, 1 tomorrow.
    days_away: int

    @property
    def map_url(self):
        return map_url(self.place if not self.address else "", self.address)

    @property
    def is_cancelled(self):
        return self.status == Appointment.Status.CANCELLED


@dataclass(frozen=True)
class FamilyGoal:
    description: str
    next_steps: str
    target_date: datetime.date | None
    status: str
    status_label: str


@dataclass
class ChildSummary:
    first_name: str
    last_name: str
    upcoming: list = field(default_factory=list)
    past: list = field(default_factory=list)
    goals: list = field(default_factory=list)

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Coordinator:
    name: str
    phone: str
    email: str

    @property
    def tel(self):
        return tel_address(self.phone)


@dataclass
class FamilySummary:
    family_name: str
    language: str
    children: list
    household_goals: list
    coordinators: list
    generated_at: datetime.datetime

    @property
    def appointments(self):
        """Every appointment shown, soonest first (the calendar feed's events)."""
        found = [a for child in self.children for a in child.upcoming + child.past]
        return sorted(found, key=lambda appointment: appointment.start)

    @property
    def upcoming_count(self):
        return sum(len(child.upcoming) for child in self.children)


def _appointment(appointment, child_name, today):
    return FamilyAppointment(
        uuid=str(appointment.uuid),
        start=appointment.start,
        end=appointment.start + datetime.timedelta(minutes=appointment.duration_minutes),
        provider=appointment.provider,
        place=appointment.place,
        address=appointment.address,
        status=appointment.status,
        status_label=str(appointment.get_status_display()),
        transportation_arranged=appointment.transportation_arranged,
        transportation_details=appointment.transportation_details,
        instructions=appointment.instructions_for_family,
        child_name=child_name,
        days_away=(timezone.localdate(appointment.start) - today).days,
    )


def _goal(goal):
    return FamilyGoal(
        description=goal.description,
        next_steps=goal.next_steps,
        target_date=goal.target_date,
        status=goal.status,
        status_label=str(goal.get_status_display()),
    )


def _coordinator(user, team):
    return Coordinator(
        name=user.get_full_name() or user.username,
        phone=user.phone or (team.phone if team else ""),
        email=user.email,
    )


def family_summary(family, *, now=None):
    """Upcoming and recent appointments by child, shared goals and coordinators of ``family``.

    Four queries whatever the number of appointments: children, appointments,
    open cases with their coordinators, shared goals.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    children = {
        child.pk: ChildSummary(first_name=child.first_name, last_name=child.last_name)
        for child in family.children.order_by("date_of_birth", "pk").only(
            "pk", "family_id", "first_name", "last_name"
        )
    }
    appointments = (
        Appointment.objects.filter(child__family=family, start__gte=now - datetime.timedelta(days=PAST_DAYS))
        .only(*APPOINTMENT_FIELDS)
        .order_by("start", "pk")
    )
    for appointment in appointments:
        child = children[appointment.child_id]
        shown = _appointment(appointment, child.first_name, today)
        if shown.end >= now:
            child.upcoming.append(shown)
        else:
            child.past.append(shown)
    for child in children.values():
        child.past.reverse()

    cases = (
        Case.objects.filter(family=family)
        .exclude(status=Case.Status.CLOSED)
        .select_related("coordinator", "team")
        .order_by("opened_at", "pk")
    )
    coordinators = []
    for case in cases:
        coordinator = _coordinator(case.coordinator, case.team)
        if coordinator not in coordinators:
            coordinators.append(coordinator)

    goals = (
        Goal.objects.filter(case__family=family, shared_with_family=True)
        .exclude(case__status=Case.Status.CLOSED)
        .filter(Q(status=Goal.Status.ACTIVE) | Q(status=Goal.Status.ACHIEVED))
        .only("child_id", "description", "next_steps", "target_date", "status")
        .order_by("target_date", "created_at", "pk")
    )
    household_goals = []
    # Goals still being worked on first, achieved ones after them.
    for goal in sorted(goals, key=lambda goal: goal.status != Goal.Status.ACTIVE):
        if goal.child_id in children:
            children[goal.child_id].goals.append(_goal(goal))
        else:
            household_goals.append(_goal(goal))

    return FamilySummary(
        family_name=family.name,
        language=family.preferred_language,
        children=list(children.values()),
        household_goals=household_goals,
        coordinators=coordinators,
        generated_at=now,
    )
