"""Query-count checks: a page's queries do not grow with its rows."""

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_queries_bounded(*, add_rows, load, ceiling):
    """``load()`` makes the same number of queries with 5 rows as with 50, and no more than ``ceiling``.

    ``add_rows(n)`` adds n more rows of what the page lists. ``load`` runs once
    before each count, so caches filled on a first visit do not count. A signed-in
    session stamps its activity at most every few seconds; the stamp is held back
    while counting, so rows slow to add on a busy machine do not show up as a query.
    """
    with mock.patch("accounts.sessions.TOUCH_EVERY_SECONDS", float("inf")):
        return _count_bounded(add_rows, load, ceiling)


def _count_bounded(add_rows, load, ceiling):
    add_rows(5)
    load()
    with CaptureQueriesContext(connection) as at_5:
        load()
    add_rows(45)
    with CaptureQueriesContext(connection) as at_50:
        load()
    assert len(at_5) <= ceiling, _listing(at_5)
    assert len(at_5) == len(at_50), (
        f"{len(at_5)} queries with 5 rows, {len(at_50)} with 50:\n{_listing(at_50)}"
    )
    return len(at_5)


def _listing(captured):
    return "\n".join(f"{number}. {query['sql']}" for number, query in enumerate(captured.captured_queries, 1))
