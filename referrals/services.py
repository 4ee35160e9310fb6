"""Every write and state change of referrals and appointments."""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecoord.services import check_version, lock, save_tracked
from cases.models import CaseEvent, Need, ServiceCategory
from cases.permissions import can_work_case
from cases.services import need_transition

from .models import Appointment, Referral, ReferralEvent
from .models.referral import new_link_key
from .transitions import REASON_REQUIRED, referral_can_move

LINK_SALT = "referrals.organization-link"
RECEIVING_ORGANIZATION = "receiving organization"

# Categories a "medical and therapy providers only" consent covers.
MEDICAL_CATEGORIES = {
    ServiceCategory.Code.MEDICAL,
    ServiceCategory.Code.PHYSICAL_THERAPY,
    ServiceCategory.Code.SPEECH_THERAPY,
    ServiceCategory.Code.OCCUPATIONAL_THERAPY,
    ServiceCategory.Code.BEHAVIORAL_HEALTH,
    ServiceCategory.Code.EARLY_INTERVENTION,
}


class ConsentMissing(ValidationError):
    """The family has no consent in force that covers this referral."""

    def __init__(self, family):
        super().__init__(
            _(
                "The family has no consent in force that covers sharing information with this provider. "
                "Record the family's consent before sending the referral."
            ),
            code="consent_missing",
        )
        self.family = family


class LinkRefused(Exception):
    """An organization link that is expired, tampered with, revoked or closed."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _require_case_access(actor, case):
    if actor is not None and not can_work_case(actor, case):
        raise PermissionDenied


def consent_covers(referral, day=None):
    """Whether a consent in force on ``day`` lets the center share this referral's information."""
    day = day or timezone.localdate()
    organization = referral.service.organization.name if referral.service_id else referral.outside_provider
    for consent in referral.case.family.consents.all():
        if not consent.in_force_on(day):
            continue
        if consent.scope == consent.Scope.ALL_PROVIDERS:
            return True
        if consent.scope == consent.Scope.MEDICAL_ONLY and referral.need.category.code in MEDICAL_CATEGORIES:
            return True
        if (
            consent.scope == consent.Scope.NAMED
            and organization.casefold() in consent.scope_detail.casefold()
        ):
            return True
    return False


def _case_event(referral, actor, actor_label, note):
    CaseEvent.objects.create(
        case=referral.case, kind=CaseEvent.Kind.REFERRAL, actor=actor, actor_label=actor_label, note=note
    )


@transaction.atomic
def referral_create(
    *, need, actor, service=None, outside_provider="", outside_contact="", note="", send=False
):
    """Refer a need to a directory service or a named outside provider; ``send`` also requests it."""
    _require_case_access(actor, need.case)
    if not need.case.is_open:
        raise ValidationError(_("Reopen the case before referring."))
    if need.is_resolved:
        raise ValidationError(_("This need is already resolved."))
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
        referral = referral_transition(referral=referral, to=Referral.Status.REQUESTED, actor=actor)
    return referral


@transaction.atomic
def referral_transition(*, referral, to, actor=None, actor_label="", note="", version=None):
    """Move a referral along the FHIR Task lifecycle, writing a ReferralEvent.

    Sending (→ requested) needs the family's consent in force; rejected, failed,
    cancelled and on-hold need a reason. ``actor`` is None when the receiving
    organization answers through its link (``actor_label`` names it).
    """
    referral = lock(referral)
    _require_case_access(actor, referral.case)
    check_version(referral, version)
    if not referral_can_move(referral.status, to):
        raise ValidationError(
            _("A referral cannot go from “%(current)s” to “%(target)s”.")
            % {"current": referral.get_status_display(), "target": Referral.Status(to).label}
        )
    note = (note or "").strip()
    if to in REASON_REQUIRED and not note:
        raise ValidationError({"note": _("Give the reason for this change.")})
    if to == Referral.Status.REQUESTED and not consent_covers(referral):
        raise ConsentMissing(referral.case.family)
    now = timezone.now()
    previous = referral.status
    referral.status = to
    if to == Referral.Status.REQUESTED and referral.requested_at is None:
        referral.requested_at = now
    if to == Referral.Status.ACCEPTED and referral.accepted_at is None:
        referral.accepted_at = now
    if to == Referral.Status.COMPLETED:
        referral.completed_at = now
        referral.accepted_at = referral.accepted_at or now
    if to in REASON_REQUIRED:
        referral.status_reason = note
    if to in Referral.TERMINAL:
        referral.closed_at = now
    save_tracked(referral, actor)
    ReferralEvent.objects.create(
        referral=referral, from_status=previous, to_status=to, actor=actor, actor_label=actor_label, note=note
    )
    _case_event(
        referral,
        actor,
        actor_label,
        _("Referral to %(recipient)s: %(status)s")
        % {"recipient": referral.recipient, "status": referral.get_status_display()}
        + (f" — {note}" if note else ""),
    )
    return referral


@transaction.atomic
def referral_update(*, referral, actor, version, **fields):
    """Change a referral's recipient or note while it is still a draft or waiting for an answer."""
    referral = lock(referral)
    _require_case_access(actor, referral.case)
    check_version(referral, version)
    if referral.is_terminal:
        raise ValidationError(_("A closed referral cannot be changed."))
    for name, value in fields.items():
        setattr(referral, name, value)
    return save_tracked(referral, actor)


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
    if referral.status not in Referral.LINK_OPEN:
        raise LinkRefused("closed")
    return referral


@transaction.atomic
def referral_link_revoke(*, referral, actor):
    """Invalidate every link given out for this referral; a new one can be shared."""
    referral = lock(referral)
    _require_case_access(actor, referral.case)
    referral.link_key = new_link_key()
    save_tracked(referral, actor)
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


@transaction.atomic
def organization_answer(*, referral, answer, note=""):
    """The receiving organization accepts, declines or marks the service delivered through its link."""
    referral = lock(referral)
    targets = {
        "accept": Referral.Status.ACCEPTED,
        "decline": Referral.Status.REJECTED,
        "delivered": Referral.Status.COMPLETED,
    }
    if answer not in targets:
        raise ValidationError(_("Unknown answer."))
    label = _organization_label(referral)
    if answer == "delivered" and referral.status in (Referral.Status.REQUESTED, Referral.Status.RECEIVED):
        referral = referral_transition(referral=referral, to=Referral.Status.ACCEPTED, actor_label=label)
    if answer == "decline" and not note.strip():
        raise ValidationError({"note": _("Tell the coordinator why the referral is declined.")})
    return referral_transition(referral=referral, to=targets[answer], actor_label=label, note=note)


@transaction.atomic
def organization_propose_appointment(*, referral, start, duration_minutes, place, address="", note=""):
    """The receiving organization proposes an appointment; it is booked for the child and accepted."""
    referral = lock(referral)
    if referral.status not in Referral.LINK_OPEN:
        raise ValidationError(_("This referral is closed."))
    label = _organization_label(referral)
    if start < timezone.now():
        raise ValidationError({"start": _("Propose a date in the future.")})
    if referral.status in (Referral.Status.REQUESTED, Referral.Status.RECEIVED, Referral.Status.ON_HOLD):
        referral = referral_transition(referral=referral, to=Referral.Status.ACCEPTED, actor_label=label)
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
    _case_event(referral, None, label, _("Appointment proposed for %(when)s.") % {"when": when})
    return appointment


# Appointments


@transaction.atomic
def appointment_create(*, child, actor, case=None, referral=None, **fields):
    """Book an appointment for a child, on its own or from a referral."""
    if referral is not None:
        case = referral.case
    if case is not None:
        _require_case_access(actor, case)
        if child.family_id != case.family_id:
            raise ValidationError({"child": _("The child must belong to the case's family.")})
    appointment = Appointment(child=child, case=case, referral=referral, **fields)
    save_tracked(appointment, actor, created=True)
    if case is not None:
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.REFERRAL,
            actor=actor,
            note=_("Appointment booked: %(appointment)s") % {"appointment": appointment},
        )
    return appointment


@transaction.atomic
def appointment_update(*, appointment, actor, version, **fields):
    """Change an appointment's details, refusing a stale form."""
    appointment = lock(appointment)
    if appointment.case_id:
        _require_case_access(actor, appointment.case)
    check_version(appointment, version)
    for name, value in fields.items():
        setattr(appointment, name, value)
    return save_tracked(appointment, actor)


@transaction.atomic
def appointment_set_status(
    *, appointment, actor, status, complete_referral=False, mark_need_met=False, note=""
):
    """Record what happened to an appointment; attended can complete its referral and meet its need."""
    appointment = lock(appointment)
    if appointment.case_id:
        _require_case_access(actor, appointment.case)
    if appointment.status == status:
        raise ValidationError(_("The appointment is already marked so."))
    if status not in Appointment.Status.values:
        raise ValidationError(_("Unknown appointment status."))
    appointment.status = status
    save_tracked(appointment, actor)
    if appointment.case_id:
        CaseEvent.objects.create(
            case=appointment.case,
            kind=CaseEvent.Kind.REFERRAL,
            actor=actor,
            note=_("Appointment %(status)s: %(appointment)s")
            % {"status": appointment.get_status_display().lower(), "appointment": appointment},
        )
    referral = appointment.referral
    if status == Appointment.Status.ATTENDED and referral is not None:
        if complete_referral and referral.status != Referral.Status.COMPLETED:
            if referral.status in (
                Referral.Status.REQUESTED,
                Referral.Status.RECEIVED,
                Referral.Status.ON_HOLD,
            ):
                referral = referral_transition(referral=referral, to=Referral.Status.ACCEPTED, actor=actor)
            referral = referral_transition(
                referral=referral, to=Referral.Status.COMPLETED, actor=actor, note=note
            )
        if mark_need_met:
            need = Need.objects.get(pk=referral.need_id)
            if not need.is_resolved:
                need_transition(
                    need=need,
                    actor=actor,
                    to=Need.Status.MET,
                    note=note or _("Attended %(appointment)s.") % {"appointment": appointment},
                )
    return appointment
