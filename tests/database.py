"""The database as a whole, for tests that must show a request changed nothing."""

from contextlib import contextmanager

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import transaction

# The audit log's access entries: a page allowed to show a record notes that it did, which changes
# no record. ``changed_tables(..., reads=False)`` leaves them out.
READS = "auditlog.LogEntry (access)"


def database_state():
    """Every row of every table but the sessions, table by table."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model is Session:
            continue
        rows = model._base_manager.order_by("pk")
        if model is LogEntry:
            state[READS] = list(rows.filter(action=LogEntry.Action.ACCESS).values_list())
            rows = rows.exclude(action=LogEntry.Action.ACCESS)
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
