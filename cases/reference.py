"""Reference rows every installation has: the service categories and the two programs.

Migration 0002 creates them on a new database; ``ensure_reference_data`` puts back
any that are missing (the demo loader calls it, and a test database flushed
between browser tests needs it).
"""

from .models import Program, ServiceCategory

PROGRAMS = [
    ("General care coordination", Program.Kind.GENERAL, 7),
    ("ED mental-health follow-up", Program.Kind.ED_FOLLOW_UP, 7),
]


def ensure_reference_data():
    """Create any missing service category or default program; change nothing else."""
    for position, code in enumerate(ServiceCategory.Code.values):
        ServiceCategory.objects.get_or_create(code=code, defaults={"position": position})
    for name, kind, follow_up in PROGRAMS:
        if not Program.objects.filter(kind=kind).exists():
            Program.objects.create(name=name, kind=kind, follow_up_target_days=follow_up)
