"""The demo family's portal: a few more appointments for the Hernández household, in Spanish.

The referrals demo books Mateo's clinic and speech-therapy appointments; this
adds what a family six weeks into coordination would also see: past visits
and Lucía's dental check-up. Idempotent: an appointment already there is not
booked again.
"""

import datetime

from django.utils import timezone

FAMILY = "Hernández household"

# child's first name, provider, place, address, days from today, hour, status, ride, instructions
APPOINTMENTS = [
    (
        "Lucía",
        "Clínica Dental Familiar de Riverton",
        "Clínica Dental Familiar",
        "45 Main Street, Riverton",
        12,
        16,
        "scheduled",
        False,
        "Revisión y limpieza dental. Traiga la tarjeta de Medicaid y la lista de vacunas de Lucía.",
    ),
    (
        "Mateo",
        "Riverton Pediatrics",
        "Riverton Pediatrics",
        "200 River Road, Riverton",
        -20,
        10,
        "attended",
        True,
        "Primera consulta con la pediatra. Traiga los informes del médico anterior.",
    ),
    (
        "Lucía",
        "Riverton Pediatrics",
        "Riverton Pediatrics",
        "200 River Road, Riverton",
        -45,
        11,
        "attended",
        False,
        "Vacunas de la escuela. Traiga la cartilla de vacunación.",
    ),
]


def seed_portal():
    """Book the extra demo appointments of the Hernández household; skip those already booked."""
    from cases.models import Case
    from referrals.appointments import appointment_create, appointment_set_status
    from referrals.models import Appointment

    case = Case.objects.open().filter(family__name=FAMILY).select_related("coordinator", "family").first()
    if case is None:
        return
    children = {child.first_name: child for child in case.family.children.all()}
    for first_name, provider, place, address, days, hour, status, ride, instructions in APPOINTMENTS:
        child = children.get(first_name)
        if child is None or Appointment.objects.filter(child=child, provider=provider).exists():
            continue
        start = (timezone.localtime() + datetime.timedelta(days=days)).replace(
            hour=hour, minute=0, second=0, microsecond=0
        )
        appointment = appointment_create(
            child=child,
            actor=case.coordinator,
            case=case,
            provider=provider,
            place=place,
            address=address,
            start=start,
            duration_minutes=45,
            transportation_arranged=ride,
            transportation_details="Transporte de Medicaid: la recogen en casa 1 hora antes." if ride else "",
            instructions_for_family=instructions,
            internal_notes="Demo: internal note, never shown to the family.",
        )
        if status != Appointment.Status.SCHEDULED:
            appointment_set_status(
                appointment=appointment, actor=case.coordinator, status=status, version=appointment.version
            )
