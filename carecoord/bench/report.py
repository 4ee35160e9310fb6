"""The benchmark's figures as a Markdown report and a console summary, checked against the targets."""

import math
import statistics

# The targets at the largest size (issue "Performance: every page fast at a state-wide program's size").
RATIO_TARGET = 3.0
P95_TARGET_MS = 150
PDF_P95_TARGET_MS = 300
SEARCH_P95_TARGET_MS = 100
QUERY_TARGET = 15
GROWTH_TARGET = 1.5
LOAD_P95_TARGET_MS = 1000


def load_figures(timings, *, seconds, users):
    """The load test's page requests (sign-ins left out): count, failures, throughput, median and p95."""
    times = sorted(row["ms"] for row in timings)
    span = (max(row["at"] for row in timings) - min(row["at"] for row in timings)) if timings else 0
    pages = {}
    for row in timings:
        pages.setdefault(row["name"], []).append(row)
    return {
        "users": users,
        "seconds": seconds,
        "requests": len(times),
        "failures": sum(row["failed"] for row in timings),
        "requests_per_second": round(len(times) / span, 2) if span else None,
        "median_ms": _median(times),
        "p95_ms": percentile(times, 95),
        "pages": {
            name: {
                "requests": len(rows),
                "failures": sum(row["failed"] for row in rows),
                "median_ms": _median(sorted(row["ms"] for row in rows)),
                "p95_ms": percentile(sorted(row["ms"] for row in rows), 95),
            }
            for name, rows in sorted(pages.items())
        },
    }


def _median(values):
    return round(statistics.median(values), 1) if values else None


def percentile(values, percent):
    """Nearest-rank percentile of sorted ``values``: the smallest with ``percent`` of them at or below it."""
    if not values:
        return None
    rank = max(1, math.ceil(len(values) * percent / 100))
    return round(values[rank - 1], 2)


def _by_name(size):
    return {page["name"]: page for page in size["pages"]}


def checks(results):
    """Each page at the largest size against its targets: (page name, [(target, met, detail)])."""
    sizes = results["sizes"]
    largest, smallest = sizes[-1], sizes[0]
    pages = _by_name(largest)
    first = _by_name(smallest)
    minimal = pages["minimal"]["median_ms"]
    verdicts = []
    for name, page in pages.items():
        if name == "minimal":
            continue
        found = []
        ratio = page["median_ms"] / minimal if minimal else None
        found.append(
            ("≤ 3× minimal at the median", ratio is not None and ratio <= RATIO_TARGET, f"{ratio:.1f}×")
        )
        ceiling = PDF_P95_TARGET_MS if name == "portal-pdf" else P95_TARGET_MS
        if name.startswith("search"):
            ceiling = SEARCH_P95_TARGET_MS
        found.append((f"p95 ≤ {ceiling} ms", page["p95_ms"] <= ceiling, f"{page['p95_ms']:.0f} ms"))
        found.append(
            (
                f"≤ {QUERY_TARGET} queries",
                page["queries"] <= QUERY_TARGET and not page["queries_varied"],
                str(page["queries"]),
            )
        )
        if len(sizes) > 1:
            same = first[name]["queries"] == page["queries"]
            found.append(
                ("same queries at every size", same, f"{first[name]['queries']} → {page['queries']}")
            )
            growth = page["p95_ms"] / first[name]["p95_ms"] if first[name]["p95_ms"] else None
            found.append(
                (
                    f"p95 ≤ {GROWTH_TARGET}× the smallest size's",
                    growth is not None and growth <= GROWTH_TARGET,
                    f"{growth:.2f}×",
                )
            )
        verdicts.append((name, found))
    return verdicts


def errors(results):
    """What makes the run fail: a page that did not answer 200, a load test with failed requests."""
    found = []
    for size in results["sizes"]:
        for page in size["pages"]:
            if page["statuses"] != [200]:
                found.append(f"{page['name']} at {size['households']} answered {page['statuses']}")
            if not page["requests"]:
                found.append(f"{page['name']} at {size['households']}: the server recorded no request")
        for mode, load in (size.get("load") or {}).items():
            if load["failures"]:
                found.append(f"load test ({mode}): {load['failures']} failed requests")
    return found


def summary(results):
    lines = []
    for name, found in checks(results):
        missed = [f"{target} ({detail})" for target, met, detail in found if not met]
        lines.append(f"{name:<18} {'all targets met' if not missed else 'missed: ' + '; '.join(missed)}")
    return "\n".join(lines)


def _load_average(values):
    return " / ".join(f"{value:.2f}" for value in values) if values else "—"


START = "<!-- make bench writes from here: do not edit by hand, run it again -->"
END = "<!-- make bench writes up to here -->"


def write_document(path, figures):
    """Put ``figures`` between the markers of ``path``, keeping the text written by hand around them."""
    text = path.read_text() if path.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text = f"{text.rstrip()}\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    _old, after = rest.split(END, 1)
    path.write_text(f"{before}{START}\n\n{figures.strip()}\n\n{END}{after}")


def markdown(results, *, json_path):
    sizes = results["sizes"]
    machine = results["machine"]
    largest = sizes[-1]
    verdicts = dict(checks(results))
    out = [
        f"The figures of this section are also in `{json_path.name}`.",
        "",
        "## How it was measured",
        "",
        f"- Command: `{results['command']}`, started {results['started']}, finished {results['finished']}.",
        f"- Commit: `{results['commit'] or 'unknown'}`"
        + (" with uncommitted changes" if results["uncommitted_changes"] else "")
        + ".",
        f"- Machine: {machine['cpu'] or 'unknown CPU'}, {machine['cores']} cores, "
        f"{machine['memory_gib']} GiB; {machine['system']}; Python {machine['python']}; "
        f"PostgreSQL {machine['postgresql']}.",
        "- The app is served by gunicorn (2 sync workers) in production mode (`DJANGO_DEBUG=0`, "
        "collected static files, secure cookies, HTTPS redirect, HSTS, two-factor sign-in for staff) "
        "on loopback; the client sends `X-Forwarded-Proto: https` and `X-Forwarded-For` as the TLS "
        "proxy would (`CARECOORD_TRUSTED_PROXY_COUNT=1`), keeps its secure cookies as the browser on "
        "the HTTPS side would, and signs in with the password and the code of an authenticator "
        "seeded for the login."
        + (" Cache: Redis." if results["settings"]["redis"] else " Cache: local memory (no `REDIS_URL`)."),
        "- Times are the server's own: from gunicorn's `pre_request` to `post_request` (the response "
        "written), with the number of SQL queries, in each worker (`carecoord/bench/gunicorn_conf.py`); "
        f"{results['settings']['warmup_per_page']} warm-up requests, then "
        f"{results['settings']['requests_per_page']} timed ones per page, one at a time. p95 is the "
        "nearest-rank 95th percentile.",
        "- The machine is shared: the load average (1, 5, 15 minutes) is given beside each size. "
        "Figures taken on a busy machine are slower than on a quiet one; rerun `make bench` on a quiet "
        "machine for published figures.",
        "",
    ]
    for size in sizes:
        pages = _by_name(size)
        minimal = pages["minimal"]["median_ms"]
        out += [
            f"## {size['households']:,} households",
            "",
            f"Load average before: {_load_average(size['load_average_before'])}; after the pages: "
            f"{_load_average(size.get('load_average_after_pages'))}.",
            "",
            "| page | median ms | p95 ms | × minimal (median) | queries | bytes |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for page in size["pages"]:
            ratio = page["median_ms"] / minimal if minimal else 0
            out.append(
                f"| {page['label']} | {page['median_ms']:.1f} | {page['p95_ms']:.1f} | {ratio:.1f}× | "
                f"{page['queries']}{' (varied)' if page['queries_varied'] else ''} | {page['bytes']:,} |"
            )
        out.append("")
    out += [
        f"## Targets at {largest['households']:,} households",
        "",
        "| page | target | result |",
        "|---|---|---|",
    ]
    for name, found in verdicts.items():
        for target, met, detail in found:
            out.append(f"| {name} | {target} | {'met' if met else '**missed**'}: {detail} |")
    out.append("")
    load = largest.get("load")
    if load:
        mixed, minimal = load["mixed"], load["minimal"]
        out += [
            "## Under load",
            "",
            f"locust, headless, {mixed['users']} signed-in users (half coordinators, a quarter "
            "supervisors, a quarter families, each its own login) for "
            f"{mixed['seconds']} s, each opening its role's pages in turn with a pause of 0.5–1.5 s "
            "between pages; then the same users opening only the minimal page. Times are the "
            "client's (locust), over loopback, without the sign-ins each user makes first.",
            "",
            "| run | page requests | failures | pages per second | median ms | p95 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for title, run in (("pages mixed", mixed), ("minimal page only", minimal)):
            out.append(
                f"| {title} | {run['requests']} | {run['failures']} | {run['requests_per_second']} | "
                f"{run['median_ms']:.0f} | {run['p95_ms']:.0f} |"
            )
        out += [
            "",
            f"Load average after: {_load_average(largest.get('load_average_after_load'))}. "
            f"Target: no failed request and p95 under {LOAD_P95_TARGET_MS} ms — "
            + ("met." if not mixed["failures"] and mixed["p95_ms"] < LOAD_P95_TARGET_MS else "**missed**."),
            "",
            "| page (mixed run) | requests | median ms | p95 ms |",
            "|---|---:|---:|---:|",
        ]
        for name, row in sorted(mixed["pages"].items()):
            out.append(f"| {name} | {row['requests']} | {row['median_ms']:.0f} | {row['p95_ms']:.0f} |")
        out.append("")
    explain = largest.get("explain") or {}
    if explain:
        out += [
            f"## Query plans at {largest['households']:,} households",
            "",
            "`EXPLAIN (ANALYZE)` of the queries behind the pages that were rewritten for scale "
            "(`python manage.py bench_explain`): the plan's nodes that read a table, and the time.",
            "",
        ]
        for name, plan in explain.items():
            if name == "error":
                out += ["```", plan, "```", ""]
                continue
            out += [
                f"**{plan['title']}** — {plan['execution_ms']:.1f} ms{', JIT' if plan.get('jit') else ''}",
                "",
            ]
            out += [f"    {line}" for line in plan["lines"]]
            out.append("")
    return "\n".join(out) + "\n"
