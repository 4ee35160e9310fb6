"""Every write and state change of appointments: booking, editing, and recording what happened.

An appointment from a referral reports back to it: attending can complete the
referral and meet its need, through the referral's own mover.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from carecoord.services import (
    check_version,
    is_repeated_edit,
    lock,
    model_update,
    refuse_unknown_fields,
    save_tracked,
)
from cases.models import CaseEvent, Need
from cases.permissions import require_case_access, require_family_access
from cases.services import case_event_record, need_transition

from .models import Appointment, Referral
from .services import _accepted_first, _referral_move
from .transitions import REFERRAL_LIFECYCLE

# The fields of an appointment a booking or an edit sets; its status changes
# through ``appointment_set_status``, its case and referral never.
APPOINTMENT_FIELDS = (
    "child",
    "provider",
    "place",
    "address",
    "start",
    "duration_minutes",
    "transportation_arranged",
    "transportation_details",
    "instructions_for_family",
    "internal_notes",
)


def _require_appointment_access(actor, *, case, child):
    """An appointment on a case is the case's, and changes only while the case is open;
    one on no case is the child's family's."""
    if case is not None:
        require_case_access(actor, case)
        if not case.is_open:
            raise ValidationError(_("Reopen the case before changing its appointments."))
    else:
        require_family_access(actor, child.family)


def _check_appointment(appointment):
    """Rules a booking and an edit share: the child is the case's family's, and a ride says how."""
    if appointment.case_id and appointment.child.family_id != appointment.case.family_id:
        raise ValidationError({"child": _("The child must belong to the case's family.")})
    if appointment.transportation_arranged and not appointment.transportation_details.strip():
        raise ValidationError(
            {"transportation_details": _("Say how the family gets there (company, pick-up time).")}
        )


@transaction.atomic
def appointment_create(*, child, actor, case=None, referral=None, **data):
    """Book an appointment for a child, on its own or from a referral."""
    if referral is not None:
        case = referral.case
    _require_appointment_access(actor, case=case, child=child)
    refuse_unknown_fields(data, APPOINTMENT_FIELDS)
    appointment = Appointment(child=child, case=case, referral=referral, **data)
    _check_appointment(appointment)
    save_tracked(appointment, actor, created=True)
    if case is not None:
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.REFERRAL,
            actor=actor,
            note=_("Appointment booked: %(appointment)s") % {"appointment": appointment},
        )
    return appointment


@transaction.atomic
def appointment_update(*, appointment, actor, version, **data):
    """Change an appointment's details, refusing a stale form."""
    appointment = lock(appointment)
    _require_appointment_access(actor, case=appointment.case, child=appointment.child)
    check_version(appointment, version)
    changed = model_update(instance=appointment, fields=APPOINTMENT_FIELDS, data=data)
    _check_appointment(appointment)
    return save_tracked(appointment, actor, update_fields=changed)


# Outcomes that say the appointment took place (or should have): not recordable before it starts.
HAPPENED = (Appointment.Status.ATTENDED, Appointment.Status.MISSED)


def _is_replay(appointment, *, status, version, actor):
    """The same change sent twice (Back and submit, a double click): the saved result stands, nothing new."""
    return appointment.status == status and is_repeated_edit(appointment, version=version, actor=actor)


def _attended_effects(appointment):
    """What "attended" may have done that still stands: its referral completed, its need met."""
    referral = appointment.referral
    if referral is None:
        return []
    standing = []
    if referral.status == Referral.Status.COMPLETED:
        standing.append(
            _("the referral to %(recipient)s is completed, and a completed referral cannot be reopened")
            % {"recipient": referral.recipient}
        )
    need = Need.objects.select_related("category", "child").get(pk=referral.need_id)
    if need.status == Need.Status.MET:
        standing.append(_("the need “%(need)s” is met (reopen it on the case page)") % {"need": need})
    return standing


@transaction.atomic
def appointment_set_status(
    *, appointment, actor, status, version, complete_referral=False, mark_need_met=False, note=""
):
    """Record what happened to an appointment, or correct what was recorded, refusing a stale form.

    Attended and missed are recorded only once the appointment has started;
    attended can complete its referral and meet its need. Changing a recorded
    outcome is a correction: it needs a reason (``note``), is written as such
    on the case timeline, and is refused while what "attended" did still
    stands (a completed referral, a met need). The same change sent twice by the
    same person returns the saved appointment instead of an error.
    """
    appointment = lock(appointment)
    _require_appointment_access(actor, case=appointment.case, child=appointment.child)
    if status not in Appointment.Status.values:
        raise ValidationError({"status": _("Unknown appointment status.")})
    if _is_replay(appointment, status=status, version=version, actor=actor):
        return appointment
    check_version(appointment, version)
    if appointment.status == status:
        raise ValidationError({"status": _("The appointment is already marked so.")})
    if status in HAPPENED and appointment.start > timezone.now():
        raise ValidationError(
            {
                "status": _(
                    "The appointment starts on %(start)s: it can be marked attended or missed only once it "
                    "has started. Cancel it, or change its date, if it will not take place."
                )
                % {"start": formats.date_format(timezone.localtime(appointment.start), "DATETIME_FORMAT")}
            }
        )
    previous = appointment.status
    correction = previous != Appointment.Status.SCHEDULED
    note = (note or "").strip()
    if correction:
        if not note:
            raise ValidationError({"note": _("Say why the recorded outcome is corrected.")})
        if previous == Appointment.Status.ATTENDED:
            standing = _attended_effects(appointment)
            if standing:
                raise ValidationError(
                    _(
                        "The outcome “attended” cannot be corrected while what it recorded still stands: "
                        "%(standing)s."
                    )
                    % {"standing": "; ".join(standing)}
                )
    appointment.status = status
    save_tracked(appointment, actor, update_fields=["status"])
    if appointment.case_id:
        values = {
            "appointment": appointment,
            "previous": Appointment.Status(previous).label.lower(),
            "status": appointment.get_status_display().lower(),
        }
        if correction:
            event_note = (
                _("Appointment outcome corrected from %(previous)s to %(status)s: %(appointment)s") % values
            )
            event_note += f" — {note}"
        else:
            event_note = _("Appointment %(status)s: %(appointment)s") % values
        case_event_record(case=appointment.case, kind=CaseEvent.Kind.REFERRAL, actor=actor, note=event_note)
    referral = appointment.referral
    if status == Appointment.Status.ATTENDED and referral is not None:
        if complete_referral and referral.status != Referral.Status.COMPLETED:
            referral = _accepted_first(lock(referral), actor=actor)
            referral = _referral_move(referral, REFERRAL_LIFECYCLE["complete"], actor=actor, note=note)
        if mark_need_met:
            # The coordinator decided on the appointment's outcome, not on a form of the need: the need
            # is met as it is now, under its row lock.
            need = lock(Need.objects.get(pk=referral.need_id))
            if not need.is_resolved:
                need_transition(
                    need=need,
                    actor=actor,
                    to=Need.Status.MET,
                    note=note or _("Attended %(appointment)s.") % {"appointment": appointment},
                    version=need.version,
                )
    return appointment
