"""Every write and state change of referrals and appointments.

Referral moves go through the table in ``referrals.transitions`` and one
mover (``_referral_move``); the case timeline is written through the case
side's ``case_event_record``. Every service that takes an actor checks it.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoord.services import check_version, lock, save_tracked
from cases.models import CaseEvent
from cases.permissions import require_case_access
from cases.services import case_event_record

from .consent import ConsentMissing, consent_covers
from .models import Appointment, Referral, ReferralEvent, Service
from .models.referral import new_link_key
from .transitions import LINK_OPEN, REFERRAL_LIFECYCLE, TERMINAL

__all__ = ["ConsentMissing", "consent_covers"]  # the consent rule, raised and read through here

LINK_SALT = "referrals.organization-link"
RECEIVING_ORGANIZATION = "receiving organization"


class LinkRefused(Exception):
    """An organization link that is expired, tampered with, revoked or closed."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def referral_create(
    *, need, actor, service=None, outside_provider="", outside_contact="", note="", send=False
):
    """Refer a need to a listed directory service or a named outside provider; ``send`` also requests it."""
    require_case_access(actor, need.case)
    if not need.case.is_open:
        raise ValidationError(_("Reopen the case before referring."))
    if need.is_resolved:
        raise ValidationError(_("This need is already resolved."))
    if service is not None and service.status not in Service.LISTED:
        raise ValidationError({"service": _("This service is no longer listed in the directory.")})
    referral = Referral(
        need=need,
        case=need.case,
        service=service,
        outside_provider=outside_provider.strip(),
        outside_contact=outside_contact.strip(),
        note=note.strip(),
    )
    save_tracked(referral, actor, created=True)
    ReferralEvent.objects.create(referral=referral, to_status=referral.status, actor=actor)
    if send:
        referral = _referral_move(referral, REFERRAL_LIFECYCLE["send"], actor=actor)
    return referral


def _referral_move(referral, move, *, actor=None, actor_label="", note=""):
    """The one mover of a referral: who may and from where (the table), the reason, the move's guard,
    then the move, its ReferralEvent and a line on the case timeline. ``referral`` is locked by the caller."""
    REFERRAL_LIFECYCLE.check(move, referral, actor)
    note = REFERRAL_LIFECYCLE.check_note(move, note)
    if move.guard:
        move.guard(referral)
    now = timezone.now()
    previous = referral.status
    REFERRAL_LIFECYCLE.apply(move, referral, now=now, note=note)
    if move.target in TERMINAL:
        referral.closed_at = now
    save_tracked(referral, actor)
    ReferralEvent.objects.create(
        referral=referral,
        from_status=previous,
        to_status=move.target,
        actor=actor,
        actor_label=actor_label,
        note=note,
    )
    case_event_record(
        case=referral.case,
        kind=CaseEvent.Kind.REFERRAL,
        actor=actor,
        actor_label=actor_label,
        note=_("Referral to %(recipient)s: %(status)s")
        % {"recipient": referral.recipient, "status": referral.get_status_display()}
        + (f" — {note}" if note else ""),
    )
    return referral


@transaction.atomic
def referral_transition(*, referral, to, actor, note="", version=None):
    """Move a referral along the FHIR Task lifecycle, writing a ReferralEvent.

    Sending (→ requested) needs the family's consent in force; rejected, failed,
    cancelled and on-hold need a reason. ``version``, when given, refuses a move
    decided on an older version of the referral.
    """
    referral = lock(referral)
    require_case_access(actor, referral.case)
    if version is not None:
        check_version(referral, version)
    move = REFERRAL_LIFECYCLE.between(referral.status, to) or REFERRAL_LIFECYCLE.refuse(referral.status, to)
    return _referral_move(referral, move, actor=actor, note=note)


def _accepted_first(referral, *, actor=None, actor_label=""):
    """Accept a referral that has not been accepted yet, before what the caller does next.

    An appointment booked, or a service delivered, on a referral still waiting
    for an answer means the organization took it: the accept move comes first.
    """
    accept = REFERRAL_LIFECYCLE["accept"]
    if referral.status in accept.sources:
        referral = _referral_move(referral, accept, actor=actor, actor_label=actor_label)
    return referral


# The receiving organization's signed link


def referral_link_token(referral):
    """A signed token naming the referral and its current link key; it expires after the configured days."""
    return signing.dumps({"r": str(referral.uuid), "k": referral.link_key}, salt=LINK_SALT, compress=True)


def referral_from_token(token):
    """The referral a link token opens, or LinkRefused saying why not."""
    max_age = datetime.timedelta(days=settings.REFERRAL_LINK_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkRefused("expired") from None
    except signing.BadSignature:
        raise LinkRefused("invalid") from None
    referral = (
        Referral.objects.select_related(
            "need__category", "need__child", "case__coordinator", "case__team", "service__organization"
        )
        .filter(uuid=data.get("r"))
        .first()
    )
    if referral is None:
        raise LinkRefused("invalid")
    if data.get("k") != referral.link_key:
        raise LinkRefused("revoked")
    if referral.status not in LINK_OPEN:
        raise LinkRefused("closed")
    return referral


@transaction.atomic
def referral_link_revoke(*, referral, actor):
    """Invalidate every link given out for this referral; a new one can be shared."""
    referral = lock(referral)
    require_case_access(actor, referral.case)
    referral.link_key = new_link_key()
    save_tracked(referral, actor, update_fields=["link_key"])
    ReferralEvent.objects.create(
        referral=referral,
        from_status=referral.status,
        to_status=referral.status,
        actor=actor,
        note=_("Organization link revoked; a new link was made."),
    )
    return referral


def _organization_label(referral):
    name = referral.service.organization.name if referral.service_id else referral.outside_provider
    return f"{name} ({_(RECEIVING_ORGANIZATION)})"


# What each answer of the organization's page does: the move it makes.
ORGANIZATION_ANSWERS = {"accept": "accept", "decline": "reject", "delivered": "complete"}


@transaction.atomic
def organization_answer(*, referral, answer, note=""):
    """The receiving organization accepts, declines or marks the service delivered through its link.

    No user acts: the signed link, checked by ``referral_from_token``, is the
    organization's authority, and the table allows it only these moves.
    """
    referral = lock(referral)
    if answer not in ORGANIZATION_ANSWERS:
        raise ValidationError(_("Unknown answer."))
    if answer == "decline" and not note.strip():
        raise ValidationError({"note": _("Tell the coordinator why the referral is declined.")})
    label = _organization_label(referral)
    move = REFERRAL_LIFECYCLE[ORGANIZATION_ANSWERS[answer]]
    if answer == "delivered":
        referral = _accepted_first(referral, actor_label=label)
    return _referral_move(referral, move, actor_label=label, note=note)


@transaction.atomic
def organization_propose_appointment(*, referral, start, duration_minutes, place, address="", note=""):
    """The receiving organization proposes an appointment; it is booked for the child and accepted."""
    referral = lock(referral)
    if referral.status not in LINK_OPEN:
        raise ValidationError(_("This referral is closed."))
    label = _organization_label(referral)
    if start < timezone.now():
        raise ValidationError({"start": _("Propose a date in the future.")})
    referral = _accepted_first(referral, actor_label=label)
    appointment = Appointment(
        child=referral.need.child or referral.case.children.order_by("date_of_birth").first(),
        case=referral.case,
        referral=referral,
        provider=referral.service.organization.name if referral.service_id else referral.outside_provider,
        place=place,
        address=address,
        start=start,
        duration_minutes=duration_minutes,
        proposed_by_organization=True,
        internal_notes=note,
    )
    if appointment.child is None:
        raise ValidationError(_("The case has no child to book the appointment for."))
    save_tracked(appointment, None, created=True)
    when = timezone.localtime(start).strftime("%Y-%m-%d %H:%M")
    ReferralEvent.objects.create(
        referral=referral,
        from_status=referral.status,
        to_status=referral.status,
        actor_label=label,
        note=_("Appointment proposed for %(when)s at %(place)s.") % {"when": when, "place": place}
        + (f" {note}" if note else ""),
    )
    case_event_record(
        case=referral.case,
        kind=CaseEvent.Kind.REFERRAL,
        actor_label=label,
        note=_("Appointment proposed for %(when)s.") % {"when": when},
    )
    return appointment
