"""Every write and state change of referrals and appointments.

Referral moves go through the table in ``referrals.transitions`` and one
mover (``_referral_move``); the case timeline is written through the case
side's ``case_event_record``. Every service that takes an actor checks it.
What follows a move — emailing the organization after sending, withdrawing
the rest of a batch after an accept — is in the mover's ``_after_move``, so
every caller gets it.
"""

import datetime
import logging
import uuid
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from carecoord.services import check_version, is_repeated_edit, lock, model_update, save_tracked
from cases.models import CaseEvent, Task
from cases.permissions import require_case_access
from cases.services import case_event_record, task_create_once
from notifications.models import Notification
from notifications.services import notify

from . import delivery
from .consent import ConsentMissing, consent_covers
from .models import Appointment, Referral, ReferralEvent, Service
from .models.referral import new_link_key
from .transitions import LINK_OPEN, REASON_CODE_CHOICES, REASON_CODED, REFERRAL_LIFECYCLE, TERMINAL

__all__ = ["ConsentMissing", "consent_covers"]  # the consent rule, raised and read through here

logger = logging.getLogger(__name__)

LINK_SALT = "referrals.organization-link"
RECEIVING_ORGANIZATION = "receiving organization"


class LinkRefused(Exception):
    """An organization link that is expired, tampered with, revoked or closed (with the referral's
    reason code, so a referral filled by another service can say so)."""

    def __init__(self, reason, reason_code=""):
        super().__init__(reason)
        self.reason = reason
        self.reason_code = reason_code


# Several services may be asked at once for one need; the first to accept wins.
BATCH_MAX_SERVICES = 5


@transaction.atomic
def referral_create(
    *,
    need,
    actor,
    service=None,
    outside_provider="",
    outside_contact="",
    note="",
    send=False,
    sent_to=None,
    batch=None,
):
    """Refer a need to a listed directory service or a named outside provider; ``send`` also requests it
    and emails the organization (at ``sent_to``, or its directory address when None)."""
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
        batch=batch,
    )
    save_tracked(referral, actor, created=True)
    ReferralEvent.objects.create(referral=referral, to_status=referral.status, actor=actor)
    if send:
        referral = _referral_move(referral, REFERRAL_LIFECYCLE["send"], actor=actor, sent_to=sent_to)
    return referral


@transaction.atomic
def referral_create_batch(*, need, actor, services, note="", send=False, sent_to=None):
    """Refer one need to up to five directory services at once; they share a batch, and the first to
    accept wins. Consent must cover every one, or none is saved. ``sent_to`` is used with one service only:
    several are each emailed at their own directory address."""
    services = list(dict.fromkeys(services))
    if not services:
        raise ValidationError({"service": _("Choose at least one service.")})
    if len(services) > BATCH_MAX_SERVICES:
        raise ValidationError(
            {"service": _("Choose at most %(count)d services.") % {"count": BATCH_MAX_SERVICES}}
        )
    if len(services) == 1:
        return [
            referral_create(
                need=need, actor=actor, service=services[0], note=note, send=send, sent_to=sent_to
            )
        ]
    batch = uuid.uuid4()
    return [
        referral_create(need=need, actor=actor, service=service, note=note, send=send, batch=batch)
        for service in services
    ]


def _lock_referral(referral):
    """Lock a referral for a change; a referral of a batch locks its whole batch first, always in the
    same order, so two organizations accepting at once wait for each other instead of deadlocking."""
    if referral.batch:
        list(
            Referral.objects.select_for_update().filter(batch=referral.batch).order_by("pk").values_list("pk")
        )
    return lock(referral)


def _reason(move, note, reason_code):
    """The move's note and reason code, checked: rejected and failed carry a code ("other" needs words);
    a caller giving only words records "other"; without a note the code's name is the reason kept."""
    note = (note or "").strip()
    if reason_code and reason_code not in Referral.ReasonCode.values:
        raise ValidationError({"reason_code": _("Choose one of the listed reasons.")})
    if move.name not in REASON_CODED:
        return note, reason_code
    if not reason_code and note:
        reason_code = Referral.ReasonCode.OTHER
    if not reason_code:
        raise ValidationError({"reason_code": _("Choose the reason.")})
    if reason_code not in dict(REASON_CODE_CHOICES):
        raise ValidationError({"reason_code": _("Choose one of the listed reasons.")})
    if reason_code == Referral.ReasonCode.OTHER and not note:
        raise ValidationError({"note": _("Say what the other reason is.")})
    return note or str(Referral.ReasonCode(reason_code).label), reason_code


def _referral_move(referral, move, *, actor=None, actor_label="", note="", reason_code="", sent_to=None):
    """The one mover of a referral: who may and from where (the table), the reason, the move's guard,
    then the move, its ReferralEvent, a line on the case timeline and what follows the move
    (``_after_move``). ``referral`` is locked by the caller."""
    REFERRAL_LIFECYCLE.check(move, referral, actor)
    note, reason_code = _reason(move, note, reason_code)
    note = REFERRAL_LIFECYCLE.check_note(move, note)
    if move.guard:
        move.guard(referral)
    address = _send_address(referral, sent_to) if move.name == "send" else None
    now = timezone.now()
    previous = referral.status
    REFERRAL_LIFECYCLE.apply(move, referral, now=now, note=note)
    if reason_code:
        referral.reason_code = reason_code
    if move.target in TERMINAL:
        referral.closed_at = now
    if address:
        referral.sent_to = address
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
    _after_move(referral, move, actor=actor, address=address)
    return referral


def _after_move(referral, move, *, actor, address):
    """What a move sets going besides the status: a sent referral reaches its organization (by email,
    or through a task to call it), and an accepted referral of a batch withdraws the others."""
    if move.name == "send":
        _deliver(referral, actor=actor, address=address)
    elif move.name == "accept" and referral.batch:
        _batch_fill(referral, actor=actor)


@transaction.atomic
def referral_transition(*, referral, to, actor, version, note="", reason_code="", sent_to=None):
    """Move a referral along the FHIR Task lifecycle, writing a ReferralEvent.

    Sending (→ requested) needs the family's consent in force and emails the
    organization (at ``sent_to``, or its directory address when None);
    rejected and failed need a coded reason; rejected, failed, cancelled and
    on-hold need a reason. A move decided without the referral's ``version``,
    or on an older one, is refused.
    """
    referral = _lock_referral(referral)
    require_case_access(actor, referral.case)
    check_version(referral, version)
    move = REFERRAL_LIFECYCLE.between(referral.status, to) or REFERRAL_LIFECYCLE.refuse(referral.status, to)
    return _referral_move(referral, move, actor=actor, note=note, reason_code=reason_code, sent_to=sent_to)


# Reaching the organization: an email after commit, or a task to call it


def _send_address(referral, sent_to):
    """The address a sending goes to: the one given (checked), else the directory's; '' when none."""
    address = delivery.referral_contact_email(referral) if sent_to is None else sent_to.strip()
    if address:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError({"sent_to": _("Enter a valid email address.")}) from None
    return address


def _referral_line(referral, *, actor, note, actor_label=""):
    """A line on the referral's history and the case timeline, the status unchanged."""
    ReferralEvent.objects.create(
        referral=referral,
        from_status=referral.status,
        to_status=referral.status,
        actor=actor,
        actor_label=actor_label,
        note=note,
    )
    case_event_record(
        case=referral.case,
        kind=CaseEvent.Kind.REFERRAL,
        actor=actor,
        actor_label=actor_label,
        note=_("Referral to %(recipient)s: %(note)s") % {"recipient": referral.recipient, "note": note},
    )


# Marked for the catalogue here, translated when the task is made (in the language of the request).
CALL_TASK_TITLE = gettext_noop("Call the organization to pass on the referral")


def _deliver(referral, *, actor, address, again=False):
    """Email the referral to ``address`` once the transaction commits; with no address, ask the
    coordinator to call the organization instead (one task per referral)."""
    if address:
        note = (_("Sent again by email to %(address)s.") if again else _("Sent by email to %(address)s.")) % {
            "address": address
        }
        _referral_line(referral, actor=actor, note=note)
        transaction.on_commit(partial(_email_referral, referral.pk, address))
        return
    _referral_line(
        referral,
        actor=actor,
        note=_("No email address for the organization: the coordinator is asked to call them."),
    )
    title = _(CALL_TASK_TITLE) + f": {referral.recipient}"
    try:
        task_create_once(
            rule_key=f"referral-call-organization:{referral.uuid}",
            case=referral.case,
            actor=None,
            title=Truncator(title).chars(Task._meta.get_field("title").max_length),
            assignee=referral.case.coordinator,
            due_on=timezone.localdate(),
            details=_("The directory has no email address for %(recipient)s. Call them with the referral.")
            % {"recipient": referral.recipient},
        )
    except ValidationError as error:
        # A coordinator who cannot take tasks for the case (moved team) must not stop the sending.
        logger.warning("No call task for referral %s: %s", referral.uuid, error.messages)


def _email_referral(referral_pk, address):
    """After commit: send the referral's email; a refusal of the mail server is on the timeline."""
    referral = Referral.objects.select_related(
        "need__category", "need__child", "case__coordinator", "case__team", "service__organization"
    ).get(pk=referral_pk)
    message = delivery.referral_email(referral, to=address, token=referral_link_token(referral))
    try:
        delivery.deliver(message)
    except delivery.DeliveryFailed as error:
        referral_email_failed(referral=referral, address=address, error=str(error))


def _email_filled_elsewhere(referral_pk, address):
    """After commit: tell an organization its referral was filled by another service."""
    referral = Referral.objects.select_related(
        "need__category", "need__child", "case__coordinator", "case__team", "service__organization"
    ).get(pk=referral_pk)
    try:
        delivery.deliver(delivery.filled_elsewhere_email(referral, to=address))
    except delivery.DeliveryFailed as error:
        referral_email_failed(referral=referral, address=address, error=str(error))


@transaction.atomic
def referral_email_failed(*, referral, address, error):
    """Record that an email to the organization could not be sent, and tell the coordinator in their
    inbox. No user acts: the mail server answered."""
    logger.warning("Referral %s could not be emailed to %s: %s", referral.uuid, address, error)
    _referral_line(
        referral,
        actor=None,
        actor_label=settings.CARECOORD_CENTER_NAME,
        note=_("The email to %(address)s could not be sent (%(error)s): call the organization or resend.")
        % {"address": address, "error": Truncator(error).chars(200)},
    )
    notify(
        recipients=[referral.case.coordinator],
        kind=Notification.Kind.REFERRAL_NOT_SENT,
        url=reverse("referrals:referral-detail", args=[referral.uuid]),
        params={"organization": referral.organization_name, "family": referral.case.family.name},
    )


@transaction.atomic
def referral_resend(*, referral, actor, sent_to, version):
    """Email an open, sent referral to the organization again, at the address given (kept as sent_to).

    Sending again is a change of the referral (its version moves on), so the
    same form sent twice emails the organization once.
    """
    referral = _lock_referral(referral)
    require_case_access(actor, referral.case)
    address = _send_address(referral, sent_to)
    if address and address == referral.sent_to and is_repeated_edit(referral, version=version, actor=actor):
        latest = referral.events.order_by("-at", "-id").first()
        if latest and latest.actor_id == actor.pk and address in latest.note:
            return referral  # the resend just made, to this address, by this person
    check_version(referral, version)
    if referral.status not in LINK_OPEN:
        raise ValidationError(_("Only a sent referral that is still open can be sent again."))
    if not address:
        raise ValidationError({"sent_to": _("Enter the organization's email address.")})
    referral.sent_to = address
    save_tracked(referral, actor, update_fields=["sent_to"])
    _deliver(referral, actor=actor, address=address, again=True)
    return referral


def _batch_fill(winner, *, actor):
    """The first of a batch to accept wins: every other still open is cancelled as filled by another
    service, and its organization, if it was emailed, is told after commit."""
    others = (
        Referral.objects.select_for_update()
        .filter(batch=winner.batch)
        .exclude(pk=winner.pk)
        .exclude(status__in=TERMINAL)
        .order_by("pk")
    )
    cancel = REFERRAL_LIFECYCLE["cancel"]
    for other in others:
        _referral_move(
            other,
            cancel,
            actor=actor,
            actor_label=settings.CARECOORD_CENTER_NAME if actor is None else "",
            note=_("Filled by another service"),
            reason_code=Referral.ReasonCode.FILLED_ELSEWHERE,
        )
        if other.sent_to:
            transaction.on_commit(partial(_email_filled_elsewhere, other.pk, other.sent_to))


# Telling the coordinator what the organization answered


def _tell_coordinator(referral, kind, **params):
    """An item in the case coordinator's inbox about the organization's answer, in this transaction."""
    child = referral.child
    notify(
        recipients=[referral.case.coordinator],
        kind=kind,
        url=reverse("referrals:referral-detail", args=[referral.uuid]),
        params={
            "organization": referral.organization_name,
            "child": child.first_name if child else "",
            "need": referral.need.category.code,
            **params,
        },
    )


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
            "need__category",
            "need__child",
            "case__coordinator",
            "case__team",
            "case__family",
            "service__organization",
        )
        .filter(uuid=data.get("r"))
        .first()
    )
    if referral is None:
        raise LinkRefused("invalid")
    if data.get("k") != referral.link_key:
        raise LinkRefused("revoked")
    if referral.status not in LINK_OPEN:
        raise LinkRefused("closed", referral.reason_code)
    return referral


@transaction.atomic
def referral_link_revoke(*, referral, actor, version):
    """Invalidate every link given out for this referral; a new one can be shared.

    A form older than the referral is refused, a second click included: it
    cannot tell which link its user saw.
    """
    referral = lock(referral)
    require_case_access(actor, referral.case)
    check_version(referral, version)
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
    return f"{referral.organization_name} ({_(RECEIVING_ORGANIZATION)})"


# What each answer of the organization's page does: the move it makes, and what the coordinator is told.
ORGANIZATION_ANSWERS = {"accept": "accept", "decline": "reject", "delivered": "complete"}
ANSWER_NOTIFICATIONS = {
    "accept": Notification.Kind.REFERRAL_ACCEPTED,
    "decline": Notification.Kind.REFERRAL_DECLINED,
    "delivered": Notification.Kind.SERVICE_DELIVERED,
}


@transaction.atomic
def organization_answer(*, referral, answer, version, note="", reason_code=""):
    """The receiving organization accepts, declines (with a coded reason) or marks the service delivered
    through its link; the case coordinator finds the answer in their inbox.

    No user acts: the signed link, checked by ``referral_from_token``, is the
    organization's authority, and the table allows it only these moves. The
    answer carries the ``version`` of the referral its page showed: an answer
    to a referral changed since is refused, except the same answer again.
    """
    referral = _lock_referral(referral)
    if answer not in ORGANIZATION_ANSWERS:
        raise ValidationError(_("Unknown answer."))
    if answer == "decline" and not reason_code:
        raise ValidationError({"reason_code": _("Tell the coordinator why the referral is declined.")})
    move = REFERRAL_LIFECYCLE[ORGANIZATION_ANSWERS[answer]]
    if referral.status == move.target:
        # The same answer again (a double click, a page sent twice): it stands as given, told once.
        return referral
    check_version(referral, version)
    label = _organization_label(referral)
    if answer == "delivered":
        referral = _accepted_first(referral, actor_label=label)
    referral = _referral_move(referral, move, actor_label=label, note=note, reason_code=reason_code)
    reason = {"reason": referral.status_reason} if answer == "decline" else {}
    _tell_coordinator(referral, ANSWER_NOTIFICATIONS[answer], **reason)
    return referral


# What the organization may set on an appointment it books or changes: never the internal notes'
# audience (its own note goes to the coordinator), the child, the case or the status.
ORGANIZATION_APPOINTMENT_FIELDS = (
    "start",
    "duration_minutes",
    "place",
    "address",
    "instructions_for_family",
    "transportation_arranged",
    "transportation_details",
)


def _check_organization_appointment(appointment):
    if appointment.start < timezone.now():
        raise ValidationError({"start": _("Propose a date in the future.")})
    if appointment.transportation_arranged and not appointment.transportation_details.strip():
        raise ValidationError(
            {"transportation_details": _("Say how the family gets there (company, pick-up time).")}
        )


def organization_booked_appointment(referral):
    """The appointment the organization booked on this referral and may still change, or None."""
    return (
        referral.appointments.filter(status=Appointment.Status.SCHEDULED, proposed_by_organization=True)
        .order_by("start")
        .first()
    )


def _when(start):
    return timezone.localtime(start).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def organization_propose_appointment(
    *,
    referral,
    version,
    start,
    duration_minutes,
    place,
    address="",
    note="",
    instructions_for_family="",
    transportation_arranged=False,
    transportation_details="",
):
    """The receiving organization proposes an appointment; it is booked for the child and accepted, and
    what the family must bring and the ride reach the family portal. One booked appointment at a time:
    the organization changes it rather than booking a second. The proposal carries the ``version`` of the
    referral its page showed, since it may accept the referral."""
    referral = _lock_referral(referral)
    if referral.status not in LINK_OPEN:
        raise ValidationError(_("This referral is closed."))
    if organization_booked_appointment(referral) is not None:
        raise ValidationError(_("An appointment is already booked: change it instead of booking another."))
    check_version(referral, version)
    label = _organization_label(referral)
    appointment = Appointment(
        child=referral.child,
        case=referral.case,
        referral=referral,
        provider=referral.organization_name,
        place=place,
        address=address,
        start=start,
        duration_minutes=duration_minutes,
        instructions_for_family=instructions_for_family.strip(),
        transportation_arranged=transportation_arranged,
        transportation_details=transportation_details.strip(),
        proposed_by_organization=True,
        internal_notes=note,
    )
    _check_organization_appointment(appointment)
    if appointment.child is None:
        raise ValidationError(_("The case has no child to book the appointment for."))
    referral = _accepted_first(referral, actor_label=label)
    appointment.referral = referral
    save_tracked(appointment, None, created=True)
    when = _when(start)
    _referral_line(
        referral,
        actor=None,
        actor_label=label,
        note=_("Appointment proposed for %(when)s at %(place)s.") % {"when": when, "place": place}
        + (f" {note}" if note else ""),
    )
    _tell_coordinator(referral, Notification.Kind.APPOINTMENT_PROPOSED, when=start)
    return appointment


def _organization_appointment(referral, appointment, version):
    """The organization's booked appointment of this referral, locked and at the version it saw."""
    if referral.status not in LINK_OPEN:
        raise ValidationError(_("This referral is closed."))
    if appointment.referral_id != referral.pk or not appointment.proposed_by_organization:
        raise ValidationError(_("This appointment is not one you booked."))
    appointment = lock(appointment)
    check_version(appointment, version)
    if appointment.status != Appointment.Status.SCHEDULED:
        raise ValidationError(_("This appointment is no longer booked."))
    return appointment


@transaction.atomic
def organization_appointment_update(*, referral, appointment, version, **data):
    """The receiving organization changes the date, time, place, instructions or ride of the appointment
    it booked; a form older than the appointment is refused, and the coordinator is told."""
    referral = _lock_referral(referral)
    appointment = _organization_appointment(referral, appointment, version)
    changed = model_update(instance=appointment, fields=ORGANIZATION_APPOINTMENT_FIELDS, data=data)
    _check_organization_appointment(appointment)
    if not changed:
        return appointment
    save_tracked(appointment, None, update_fields=changed)
    _referral_line(
        referral,
        actor=None,
        actor_label=_organization_label(referral),
        note=_("Appointment changed: now %(when)s at %(place)s.")
        % {"when": _when(appointment.start), "place": appointment.place},
    )
    _tell_coordinator(referral, Notification.Kind.APPOINTMENT_CHANGED, when=appointment.start)
    return appointment


@transaction.atomic
def organization_appointment_cancel(*, referral, appointment, version, note=""):
    """The receiving organization cancels the appointment it booked (the referral stays accepted, so it
    can propose another); the coordinator is told. The same cancellation sent twice stands, told once."""
    referral = _lock_referral(referral)
    current = lock(appointment)
    if (
        current.referral_id == referral.pk
        and current.proposed_by_organization
        and current.status == Appointment.Status.CANCELLED
        and is_repeated_edit(current, version=version, actor=None)
    ):
        return current
    appointment = _organization_appointment(referral, appointment, version)
    appointment.status = Appointment.Status.CANCELLED
    save_tracked(appointment, None, update_fields=["status"])
    _referral_line(
        referral,
        actor=None,
        actor_label=_organization_label(referral),
        note=_("Appointment of %(when)s cancelled.") % {"when": _when(appointment.start)}
        + (f" {note.strip()}" if note.strip() else ""),
    )
    _tell_coordinator(referral, Notification.Kind.APPOINTMENT_CANCELLED, when=appointment.start)
    return appointment
