"""Reading the supervisors' figures from a PostgreSQL replica, when ``DATABASE_REPLICA_URL`` names one.

Only the views marked ``@reads_from_replica`` (the team overview, the outcome
reports and their CSVs, the caseload CSV) read from the replica, and only
their own reads: the session, the sign-in checks and the access log before and
after them stay on the primary, as does every write (``ReplicaRouter``). Once
a marked view writes (a report download is recorded), its later reads go to
the primary too, and for ``CARECOORD_REPLICA_PIN_SECONDS`` after a user's last
change (any POST) all of their reads do (``ReplicaPinMiddleware``), so nobody
sees their own change missing because the replica lags.
"""

import contextlib
import contextvars
import functools
import time

from django.conf import settings

REPLICA = "replica"
PIN_KEY = "_replica_pin_until"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

# "replica" inside a marked view until it writes; None everywhere else.
_reads = contextvars.ContextVar("carecoord_replica_reads", default=None)


def replica_configured():
    return REPLICA in settings.DATABASES and settings.CARECOORD_REPLICA_READS


class ReplicaRouter:
    """Reads inside ``replica_reads()`` from the replica; every write and every other read on the primary."""

    def db_for_read(self, model, **hints):
        return _reads.get()

    def db_for_write(self, model, **hints):
        if _reads.get() is not None:
            # Read-after-write: what this request reads from now on must include what it wrote.
            _reads.set(None)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


@contextlib.contextmanager
def replica_reads():
    """Reads inside the block come from the replica (when one is configured), until the block writes."""
    token = _reads.set(REPLICA if replica_configured() else None)
    try:
        yield
    finally:
        _reads.reset(token)


def pinned_to_primary(request):
    session = getattr(request, "session", None)
    return session is not None and session.get(PIN_KEY, 0) > time.time()


def reads_from_replica(view):
    """Mark a read-only page whose figures may come from the replica (a second or so behind the primary)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if pinned_to_primary(request):
            return view(request, *args, **kwargs)
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaPinMiddleware:
    """After a user's change, their reads stay on the primary for a while (only with a replica configured)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method not in SAFE_METHODS
            and replica_configured()
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            request.session[PIN_KEY] = time.time() + settings.CARECOORD_REPLICA_PIN_SECONDS
        return response
