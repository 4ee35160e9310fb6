"""The demo service directory: the fictional Kestrel Valley HSDS package in sample_hsds/."""

from pathlib import Path

from .hsds import directory_import

SAMPLE_DIRECTORY = Path(__file__).resolve().parent / "sample_hsds"


def seed_directory():
    """Import the sample HSDS package; importing it again changes nothing."""
    return directory_import(directory=SAMPLE_DIRECTORY)


# family, need (start of its description), service (or several, sent as one batch), final status,
# days since sent, appointment (days ahead, hour) or None. Sending emails each organization at its
# directory address (the console in development) and sets the response deadlines.
REFERRALS = [
    ("Hernández household", "Neuromuscular clinic", "Pediatric Neuromuscular Clinic", "accepted", 5, (3, 9)),
    ("Hernández household", "Physical therapy twice", "Pediatric Physical Therapy", "requested", 9, None),
    (
        "Hernández household",
        "Speech therapy evaluation",
        "Terapia del habla bilingüe",
        "accepted",
        4,
        (6, 15),
    ),
    (
        "Hernández household",
        "Rides to appointments",
        "Medicaid Rides to Medical Appointments",
        "completed",
        6,
        None,
    ),
    # Sent to two services at once: the first to accept wins, the other is withdrawn.
    (
        "Hernández household",
        "Accessible apartment",
        ("Family Housing Assistance", "Emergency Rent and Utility Help"),
        "requested",
        2,
        None,
    ),
    ("Johnson household", "Outpatient therapist", "Child and Family Counseling", "accepted", 2, (1, 16)),
    (
        "Nguyen household",
        "Weekly speech therapy",
        "Speech and Language Therapy for Children",
        "in-progress",
        20,
        (-6, 10),
    ),
]

INSTRUCTIONS = {
    "es": "Traiga la tarjeta de Medicaid, la lista de medicinas y los informes del médico anterior. "
    "Llegue 15 minutos antes para registrarse.",
    "en": "Bring the insurance card and the list of medicines. Arrive 15 minutes early to check in.",
}
# The Hernández family reads Spanish: what the portal shows them is written in it.
RIDE_DETAILS = "Transporte de Medicaid: la camioneta la recoge en casa 1 hora antes de la cita."


def seed_referrals():
    """Referrals and appointments on the demo cases; skipped for a case that already has referrals."""
    import datetime

    from django.utils import timezone

    from cases.models import Case

    from . import appointments, services
    from .deadlines import referral_deadlines
    from .models import Referral, Service

    for family_name, need_text, service_names, status, days_ago, appointment in REFERRALS:
        case = (
            Case.objects.open()
            .filter(family__name=family_name)
            .select_related("coordinator", "family")
            .first()
        )
        need = case and case.needs.filter(description__startswith=need_text).first()
        names = (service_names,) if isinstance(service_names, str) else service_names
        chosen = [service for name in names if (service := Service.objects.filter(name=name).first())]
        if not (need and len(chosen) == len(names)) or Referral.objects.filter(need=need).exists():
            continue
        service = chosen[0]
        actor = case.coordinator
        batch = services.referral_create_batch(
            need=need,
            actor=actor,
            services=chosen,
            send=True,
            note="Family new to the area; please call the mother.",
        )
        referral = batch[0]
        sent = timezone.now() - datetime.timedelta(days=days_ago)
        acknowledge_due, outcome_due = referral_deadlines(case.program, sent)
        Referral.objects.filter(pk__in=[sent_referral.pk for sent_referral in batch]).update(
            requested_at=sent, acknowledge_due=acknowledge_due, outcome_due=outcome_due
        )
        path = {
            "accepted": ["accepted"],
            "in-progress": ["accepted", "in-progress"],
            "completed": ["accepted", "completed"],
        }.get(status, [])
        for step in path:
            referral = services.referral_transition(
                referral=referral, to=step, actor=actor, version=referral.version
            )
        if appointment:
            days_ahead, hour = appointment
            start = (timezone.localtime() + datetime.timedelta(days=days_ahead)).replace(
                hour=hour, minute=0, second=0, microsecond=0
            )
            location = service.service_at_locations.select_related("location").first()
            place = location.location.name if location else service.organization.name
            address = location.location.address_1 if location else ""
            booked = appointments.appointment_create(
                child=need.child or case.children.first(),
                actor=actor,
                referral=referral,
                provider=service.organization.name,
                place=place,
                address=address,
                start=start,
                duration_minutes=60,
                transportation_arranged=family_name == "Hernández household",
                transportation_details=RIDE_DETAILS if family_name == "Hernández household" else "",
                instructions_for_family=INSTRUCTIONS[
                    "es" if case.family.preferred_language == "es" else "en"
                ],
                internal_notes="Mother prefers calls after 4 pm.",
            )
            if days_ahead < 0:
                appointments.appointment_set_status(
                    appointment=booked, actor=actor, status="missed", version=booked.version
                )
