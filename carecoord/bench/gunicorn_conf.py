"""Gunicorn hooks for the benchmark: each request's time and query count, measured in the worker.

The app is ``carecoord.wsgi`` unchanged, with its production settings; these
hooks only observe. ``pre_request`` starts a clock and zeroes a counter that a
database execute wrapper increments; ``post_request`` (after the response is
written) appends one JSON line per request to a file per worker under
``CARECOORD_BENCH_LOG_DIR``, labelled with the client's ``X-Bench-Page`` header.
"""

import json
import os
import threading
import time
from pathlib import Path

_request = threading.local()


def _count_query(execute, sql, params, many, context):
    _request.queries = getattr(_request, "queries", 0) + 1
    return execute(sql, params, many, context)


def _watch(sender, connection, **kwargs):
    if _count_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count_query)


def post_worker_init(worker):
    from django.db import connections
    from django.db.backends.signals import connection_created

    connection_created.connect(_watch, weak=False)
    for connection in connections.all(initialized_only=True):
        _watch(None, connection)
    directory = Path(os.environ["CARECOORD_BENCH_LOG_DIR"])
    worker.bench_log = (directory / f"requests-{os.getpid()}.jsonl").open("a", buffering=1)


def pre_request(worker, req):
    _request.queries = 0
    _request.started = time.perf_counter()


def post_request(worker, req, environ, resp):
    elapsed = (time.perf_counter() - _request.started) * 1000
    label = environ.get("HTTP_X_BENCH_PAGE", "")
    record = {"page": label, "ms": round(elapsed, 3), "queries": _request.queries, "status": resp.status_code}
    worker.bench_log.write(json.dumps(record) + "\n")
