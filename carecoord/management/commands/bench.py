"""``make bench``: every listed page timed at scale, in production mode, and under load.

For each size it creates its own PostgreSQL database (``<prefix>_<size>``) if
missing, migrates it, seeds what is missing (``seed_scale``), serves it with
gunicorn in production mode (``DJANGO_DEBUG=0``, collected static files, two
workers, secure cookies, HSTS, two-factor sign-in) on loopback, signs in as the
demo coordinator, supervisor and family, and requests each page warm-up times
and then ``--requests`` times. Times and query counts are the server's own
(``carecoord.bench.gunicorn_conf``). At the largest size it then runs the load
test (locust, headless) twice: the pages mixed, and the minimal page alone.
It writes the figures as JSON and, with ``--document``, docs/PERFORMANCE.md.
"""

import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess  # nosec B404  # runs this project's own commands and gunicorn, never user input
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carecoord.bench import report
from carecoord.bench.client import BenchClient

BASE = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


class Command(BaseCommand):
    help = "Time every listed page at each size, in production mode under gunicorn, and run the load test."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10000,100000", help="comma-separated numbers of households")
        parser.add_argument(
            "--database-url",
            default="postgres://postgres@127.0.0.1:5432/carecoord_bench",
            help="PostgreSQL address whose database name is the prefix: one database per size",
        )
        parser.add_argument(
            "--redis-url", default="", help="REDIS_URL of the server (cache), as production has"
        )
        parser.add_argument("--port", type=int, default=8101)
        parser.add_argument(
            "--requests", type=int, default=40, help="timed requests per page (after warm-up)"
        )
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--load-users", type=int, default=20)
        parser.add_argument("--load-seconds", type=int, default=60, help="0: no load test")
        parser.add_argument(
            "--output", type=Path, default=BASE / "var" / "bench", help="working files and JSON"
        )
        parser.add_argument("--json", type=Path, help="where the figures go (default: OUTPUT/bench.json)")
        parser.add_argument(
            "--document", type=Path, help="write the Markdown report here (docs/PERFORMANCE.md)"
        )

    def handle(self, *args, **options):
        sizes = sorted(int(size) for size in options["sizes"].split(",") if size.strip())
        if not sizes:
            raise CommandError("--sizes names no size.")
        output = options["output"]
        output.mkdir(parents=True, exist_ok=True)
        self.options = options
        self.secret_key = _bench_secret(output)
        results = {
            "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "commit": _git("rev-parse", "HEAD"),
            "uncommitted_changes": bool(_git("status", "--porcelain", "--untracked-files=no")),
            "command": " ".join(["python", "manage.py", "bench", *sys.argv[2:]]),
            "machine": _machine(options["database_url"]),
            "settings": {
                "workers": 2,
                "requests_per_page": options["requests"],
                "warmup_per_page": options["warmup"],
                "redis": bool(options["redis_url"]),
            },
            "sizes": [],
        }
        static_root = output / "static"
        for size in sizes:
            results["sizes"].append(self.measure(size, static_root, load=size == sizes[-1]))
        results["finished"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        json_path = options["json"] or output / "bench.json"
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=2) + "\n")
        self.stdout.write(f"figures written to {json_path}")
        if options["document"]:
            report.write_document(options["document"], report.markdown(results, json_path=json_path))
            self.stdout.write(f"report written to {options['document']}")
        self.stdout.write(report.summary(results))
        failures = report.errors(results)
        if failures:
            raise CommandError("; ".join(failures))

    # One size

    def measure(self, size, static_root, *, load):
        database_url = _database_for(self.options["database_url"], size)
        plan_path = self.options["output"] / f"plan-{size}.json"
        self.stdout.write(f"== {size} households: {database_url.rsplit('/', 1)[1]}")
        _create_database(database_url)
        development = {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "1",
            "DJANGO_SECRET_KEY": self.secret_key,
        }
        self.run_manage(["migrate", "--noinput", "-v0"], development)
        started = time.monotonic()
        self.run_manage(["seed_scale", "--families", str(size), "--bench-plan", str(plan_path)], development)
        seeding = time.monotonic() - started
        plan = json.loads(plan_path.read_text())
        production = self.production_env(database_url, static_root)
        if not (static_root / "staticfiles.json").exists():
            self.run_manage(["collectstatic", "--noinput", "-v0"], production)
        log_dir = Path(tempfile.mkdtemp(prefix="bench-", dir=self.options["output"]))
        # The periodic-task workers make the likely report figures ahead, into the cache the app servers
        # share: only a shared cache (Redis) lets them, so without one the reports are computed live.
        precomputed = bool(self.options["redis_url"])
        if precomputed:
            self.run_manage(["precompute_report_figures"], production)
        server = self.start_server(production, log_dir)
        try:
            result = {
                "households": plan["families"],
                "seed_seconds_this_run": round(seeding, 1),
                "reports_made_ahead": precomputed,
                "load_average_before": list(os.getloadavg()),
            }
            result["pages"] = self.time_pages(plan, log_dir)
            result["load_average_after_pages"] = list(os.getloadavg())
            result["explain"] = self.explain(database_url)
            if load and self.options["load_seconds"]:
                result["load"] = {
                    mode: self.load_test(plan_path, mode, log_dir) for mode in ("mixed", "minimal")
                }
                result["load_average_after_load"] = list(os.getloadavg())
        finally:
            _stop(server)
            shutil.rmtree(log_dir, ignore_errors=True)
        return result

    def run_manage(self, arguments, env):
        completed = subprocess.run(  # noqa: S603  # nosec B603  # this project's manage.py, fixed arguments
            [sys.executable, str(BASE / "manage.py"), *arguments],
            env={**os.environ, **env},
            cwd=BASE,
            check=False,
            capture_output=True,
            text=True,
        )
        if completed.returncode:
            raise CommandError(f"manage.py {arguments[0]} failed:\n{completed.stdout}\n{completed.stderr}")
        if completed.stdout.strip():
            # The last line says what was done (the demo loader before it prints its emails).
            self.stdout.write(completed.stdout.rstrip().splitlines()[-1])

    def production_env(self, database_url, static_root):
        return {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": self.secret_key,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATIC_ROOT": str(static_root),
            # One proxy in front, as in production: it sets X-Forwarded-Proto and appends X-Forwarded-For.
            "CARECOORD_TRUSTED_PROXY_COUNT": "1",
            "REDIS_URL": self.options["redis_url"],
            "LOG_LEVEL": "WARNING",
        }

    def start_server(self, env, log_dir):
        port = self.options["port"]
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise CommandError(f"port {port} is in use: stop what listens there or give --port")
        errors = (log_dir / "gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603  # nosec B603  # gunicorn of this virtualenv
            [
                str(BIN / "gunicorn"),
                "carecoord.wsgi",
                "--config",
                "python:carecoord.bench.gunicorn_conf",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
            ],
            env={**os.environ, **env, "CARECOORD_BENCH_LOG_DIR": str(log_dir)},
            cwd=BASE,
            stdout=errors,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_for(server, port, log_dir)
        except BaseException:
            _stop(server)
            raise
        return server

    def wait_for(self, server, port, log_dir):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn stopped:\n{(log_dir / 'gunicorn.log').read_text()}")
            try:
                answer = requests.get(
                    f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}, timeout=30
                )
                if answer.status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                # Still starting (the first request loads the app).
                pass
            time.sleep(0.5)
        raise CommandError("gunicorn did not answer within 120 seconds")

    def time_pages(self, plan, log_dir):
        base = f"http://127.0.0.1:{self.options['port']}"
        logins = {login["username"]: login for login in plan["logins"]}
        clients = {None: BenchClient(base)}
        for username in {page["login"] for page in plan["pages"] if page["login"]}:
            clients[username] = BenchClient(base).sign_in(logins[username])
        pages = []
        for page in plan["pages"]:
            client = clients[page["login"]]
            label = f"{page['name']}@{plan['families']}"
            client_ms, sizes, statuses = [], set(), set()
            for number in range(self.options["warmup"] + self.options["requests"]):
                timed = number >= self.options["warmup"]
                started = time.perf_counter()
                answer = client.get(page["path"], page=label if timed else "")
                elapsed = (time.perf_counter() - started) * 1000
                statuses.add(answer.status_code)
                if timed:
                    client_ms.append(elapsed)
                    sizes.add(len(answer.content))
            pages.append(
                {
                    "name": page["name"],
                    "label": page["label"],
                    "path_kind": page["path"].split("?")[0][:40],
                    "statuses": sorted(statuses),
                    "bytes": max(sizes),
                    "client_median_ms": round(statistics.median(client_ms), 2),
                    "_label": label,
                }
            )
        time.sleep(0.5)  # the workers' last lines
        served = _read_logs(log_dir)
        for page in pages:
            rows = served.get(page.pop("_label"), [])
            times = sorted(row["ms"] for row in rows)
            queries = sorted({row["queries"] for row in rows})
            page.update(
                {
                    "requests": len(times),
                    "median_ms": round(statistics.median(times), 2) if times else None,
                    "p95_ms": report.percentile(times, 95),
                    "queries": queries[-1] if queries else None,
                    "queries_varied": len(queries) > 1,
                }
            )
            if not times:
                raise CommandError(
                    f"the server recorded no request of {page['name']}: is another server on the port?"
                )
            self.stdout.write(
                f"  {page['name']:<18} median {page['median_ms']:>8} ms  p95 {page['p95_ms']:>8} ms  "
                f"{page['queries']} queries  {page['statuses']}"
            )
        return pages

    def explain(self, database_url):
        """The plan lines that matter for the queries the benchmark's pages depend on (bench_explain)."""
        completed = subprocess.run(  # noqa: S603  # nosec B603  # this project's manage.py, fixed arguments
            [sys.executable, str(BASE / "manage.py"), "bench_explain"],
            env={**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1"},
            cwd=BASE,
            check=False,
            capture_output=True,
            text=True,
        )
        if completed.returncode:
            return {"error": completed.stderr[-2000:]}
        return json.loads(completed.stdout)

    def load_test(self, plan_path, mode, log_dir):
        users, seconds = self.options["load_users"], self.options["load_seconds"]
        timings = log_dir / f"locust-{mode}.json"
        self.stdout.write(f"  load test ({mode}): {users} users for {seconds} s")
        completed = subprocess.run(  # noqa: S603  # nosec B603  # locust of this virtualenv
            [
                str(BIN / "locust"),
                "-f",
                str(BASE / "carecoord" / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{self.options['port']}",
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            env={
                **os.environ,
                "BENCH_PLAN": str(plan_path),
                "BENCH_LOAD": mode,
                "BENCH_TIMINGS": str(timings),
                "PYTHONPATH": str(BASE),
            },
            cwd=BASE,
            check=False,
            capture_output=True,
            text=True,
        )
        if not timings.exists():
            raise CommandError(
                f"locust recorded nothing:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
            )
        return report.load_figures(json.loads(timings.read_text()), seconds=seconds, users=users)


def _database_for(url, size):
    return f"{url}_{size}"


def _create_database(url):
    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{base}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def _bench_secret(output):
    """The benchmark server's secret key: made once and kept beside the plans, which are derived from it."""
    path = output / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def _stop(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _read_logs(log_dir):
    served = {}
    for path in log_dir.glob("requests-*.jsonl"):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            if row["page"]:
                served.setdefault(row["page"], []).append(row)
    return served


def _git(*arguments):
    try:
        found = subprocess.run(  # noqa: S603  # nosec B603, B607  # git, fixed arguments
            ["git", *arguments],  # noqa: S607
            cwd=BASE,
            check=True,
            capture_output=True,
            text=True,
        )
        return found.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _machine(database_url):
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory_gib = round(int(memory) / 1024 / 1024, 1)
    except (OSError, StopIteration):
        memory_gib = None
    postgres = ""
    try:
        connection = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]
        connection.close()
    except psycopg2.Error:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "system": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres,
    }
