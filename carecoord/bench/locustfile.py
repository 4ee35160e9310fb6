"""The load test of ``make bench``: signed-in coordinators, supervisors and families browsing at once.

Run by the ``bench`` command (``locust --headless``) with ``BENCH_PLAN`` naming
the plan ``seed_scale --bench-plan`` wrote. Each simulated user signs in once as
its own login (so no two share an authenticator), then opens its role's pages
in turn, with a pause between pages. ``BENCH_LOAD=minimal`` opens only the
minimal signed-in page instead, for the throughput it is compared with.
"""

import itertools
import json
import os
import re
import time

from locust import HttpUser, between, events, task

from carecoord.bench.client import BenchClient

PLAN = json.loads(open(os.environ["BENCH_PLAN"]).read())  # noqa: SIM115 - read once at start
MINIMAL_ONLY = os.environ.get("BENCH_LOAD") == "minimal"
# A mix of 20: 10 coordinators, 5 supervisors, 5 families; more users take more of each in turn.
MIX = ["coordinator", "coordinator", "supervisor", "coordinator", "family"] * 4
_by_role = {role: [login for login in PLAN["logins"] if login["role"] == role] for role in set(MIX)}
_next_login = {role: itertools.cycle(logins) for role, logins in _by_role.items()}
_mix = itertools.cycle(MIX)
# Record addresses (UUIDs, secret tokens) are grouped under one name in the statistics.
RECORD = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}|answer/[^/]+|/[A-Za-z0-9_-]{43}\.ics")


# Every page request's time (the sign-ins left out), written at the end for the bench command.
_timings = []


@events.request.add_listener
def _record(request_type, name, response_time, exception, **kwargs):
    if name != "sign-in":
        _timings.append(
            {"at": time.time(), "ms": response_time, "failed": exception is not None, "name": name}
        )


@events.quitting.add_listener
def _write(environment, **kwargs):
    if os.environ.get("BENCH_TIMINGS"):
        with open(os.environ["BENCH_TIMINGS"], "w") as output:
            json.dump(_timings, output)


class Visitor(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        role = next(_mix)
        self.login = next(_next_login[role])
        self.visitor = BenchClient(self.host, session=self.client)
        with self.client.rename_request("sign-in"):
            self.visitor.sign_in(self.login)
        self.paths = itertools.cycle([PLAN["minimal"]] if MINIMAL_ONLY else self.login["paths"])

    @task
    def next_page(self):
        path = next(self.paths)
        name = f"{self.login['role']}: {RECORD.sub('<id>', path.split('?')[0])}"
        with self.visitor.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
