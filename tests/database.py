"""The database as a whole, for tests that must show a request changed nothing."""

from contextlib import contextmanager

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import transaction

from audit.models import AccessEvent

# The access log: every request writes its entry (refused ones too), which changes no record.
# ``changed_tables(..., reads=False)`` leaves it out.
READS = AccessEvent._meta.label


def database_state():
    """Every row of every table but the sessions, table by table."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model is Session:
            continue
        rows = model._base_manager.order_by("pk")
        state[model._meta.label] = list(rows.values_list())
    return state


def changed_tables(before, after, *, reads=True):
    """The tables whose rows differ between two ``database_state()``s."""
    return sorted(label for label in before if before[label] != after[label] and (reads or label != READS))


@contextmanager
def rolled_back():
    """Whatever happens inside is undone, so the next request meets the records as they were."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
