"""The benchmark's own parts: server-side timing in gunicorn, the report and its targets."""

import json
import types

import pytest
from django.db import connection

from carecoord.bench import gunicorn_conf, report
from carecoord.bench.client import BenchClient


def test_nearest_rank_percentile():
    values = list(range(1, 41))
    assert report.percentile(values, 95) == 38
    assert report.percentile(values, 50) == 20
    assert report.percentile([7], 95) == 7
    assert report.percentile([], 95) is None


@pytest.mark.django_db
def test_the_gunicorn_hooks_record_each_request_time_and_queries(tmp_path, monkeypatch):
    monkeypatch.setenv("CARECOORD_BENCH_LOG_DIR", str(tmp_path))
    worker = types.SimpleNamespace()
    gunicorn_conf.post_worker_init(worker)
    try:
        gunicorn_conf._watch(None, connection)
        gunicorn_conf.pre_request(worker, None)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        gunicorn_conf.post_request(
            worker, None, {"HTTP_X_BENCH_PAGE": "caseload@500"}, types.SimpleNamespace(status_code=200)
        )
    finally:
        connection.execute_wrappers.remove(gunicorn_conf._count_query)
        worker.bench_log.close()
    (line,) = next(tmp_path.glob("requests-*.jsonl")).read_text().splitlines()
    record = json.loads(line)
    assert record["page"] == "caseload@500"
    assert record["queries"] == 2
    assert record["status"] == 200
    assert record["ms"] >= 0


def test_an_authenticator_code_is_never_reused_by_the_same_client():
    key = "3132333435363738393031323334353637383930"
    first, second = BenchClient.code(key), BenchClient.code(key)
    assert first != second
    assert len(first) == len(second) == 6


def _page(name, median, p95, queries=8):
    return {
        "name": name,
        "label": name,
        "statuses": [200],
        "bytes": 1000,
        "requests": 40,
        "median_ms": median,
        "p95_ms": p95,
        "queries": queries,
        "queries_varied": False,
    }


def _results():
    def size(households, slow):
        return {
            "households": households,
            "load_average_before": [1.0, 1.0, 1.0],
            "load_average_after_pages": [1.0, 1.0, 1.0],
            "pages": [
                _page("minimal", 10, 12, 5),
                _page("caseload", 20, 30),
                _page("reports", 20 * slow, 200 * slow, 20),
            ],
            "explain": {},
        }

    return {
        "started": "2026-01-01T00:00:00+00:00",
        "finished": "2026-01-01T00:10:00+00:00",
        "commit": "abc",
        "uncommitted_changes": False,
        "command": "python manage.py bench",
        "machine": {
            "cpu": "cpu",
            "cores": 2,
            "memory_gib": 24,
            "system": "Linux",
            "python": "3.11",
            "postgresql": "15",
        },
        "settings": {"workers": 2, "requests_per_page": 40, "warmup_per_page": 5, "redis": False},
        "sizes": [size(10000, 1), size(100000, 2)],
    }


def test_each_page_is_checked_against_the_targets_at_the_largest_size():
    verdicts = dict(report.checks(_results()))
    assert all(met for _target, met, _detail in verdicts["caseload"])
    missed = {target for target, met, _detail in verdicts["reports"] if not met}
    assert missed == {
        "≤ 3× minimal at the median",
        "p95 ≤ 150 ms",
        "≤ 15 queries",
        "p95 ≤ 1.5× the smallest size's",
    }


def test_a_page_that_did_not_answer_200_fails_the_run():
    results = _results()
    assert report.errors(results) == []
    results["sizes"][1]["pages"][1]["statuses"] = [200, 500]
    assert report.errors(results) == ["caseload at 100000 answered [200, 500]"]


def test_the_report_replaces_only_its_own_section_of_the_document(tmp_path):
    document = tmp_path / "PERFORMANCE.md"
    stale = f"{report.START}\nstale figures\n{report.END}"
    document.write_text(f"# Performance\n\nWritten by hand.\n\n{stale}\n\nAfter.\n")
    report.write_document(document, report.markdown(_results(), json_path=tmp_path / "performance.json"))
    text = document.read_text()
    assert text.startswith("# Performance\n\nWritten by hand.")
    assert text.endswith("After.\n")
    assert "stale figures" not in text
    assert "| caseload | 20.0 | 30.0 | 2.0× | 8 | 1,000 |" in text


def test_load_figures_leave_out_nothing_but_count_failures():
    timings = [
        {"at": 100 + i, "ms": 10 + i, "failed": i == 3, "name": "coordinator: /cases/"} for i in range(11)
    ]
    figures = report.load_figures(timings, seconds=10, users=2)
    assert figures["requests"] == 11
    assert figures["failures"] == 1
    assert figures["requests_per_second"] == 1.1
    assert figures["p95_ms"] == 20
