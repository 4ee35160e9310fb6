"""The outcome reports' figures, computed ahead by the periodic-task workers and kept in the cache.

Every hour (Celery beat, ``precompute_report_figures``) a worker builds the
reports a supervisor is most likely to open — the page's default range and the
last twelve months, per team and per program, in each language — for every set
of teams someone leads, and keeps them for a little longer than an hour. The
report page and its CSVs use them when the parameters match exactly, and
compute the figures live otherwise (or when no worker has run).

A report's figures depend on nothing but its parameters: the cases of the
chosen teams (a supervisor's own emergency grants never count, see
``ReportParameters.cases``), the program, the range and the grouping. The cache
key holds the exact set of teams, so figures made for one set of teams are
never shown for another, and a user can only ask for teams they lead.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from accounts.models import Team, User

from .forms import ReportFilterForm

# Kept a little longer than the hour between two runs, so a page never waits for the next one.
FRESH_SECONDS = 75 * 60


def figures_key(parameters, name=None):
    teams = ",".join(str(pk) for pk in sorted(pk for _name, pk in parameters.team_rows))
    program = parameters.program.pk if parameters.program else ""
    raw = f"{teams}|{program}|{parameters.start}|{parameters.end}|{parameters.group}|{name or '*'}"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"supervision:report-figures:v1:{translation.get_language()}:{digest}"


def cached_reports(parameters):
    """``(reports, computed_at)`` made ahead for exactly these parameters in this language, or None."""
    return cache.get(figures_key(parameters))


def ranges(today):
    """The ranges made ahead: the page's default (this month and the five before) and the last 12 months."""
    default = ReportFilterForm.default_range(today)
    year = (today.replace(year=today.year - 1) + datetime.timedelta(days=1), today)
    return [default, year]


def leaders():
    """One person per distinct set of led teams: each active supervisor, and an administrator (all teams)."""
    chosen, seen = [], set()
    people = User.objects.filter(is_active=True, role__in=User.SUPERVISING_ROLES).prefetch_related("teams")
    for user in people.order_by("pk"):
        teams = (
            frozenset(Team.objects.values_list("pk", flat=True))
            if user.role == User.Role.ADMIN
            else frozenset(team.pk for team in user.teams.all())
        )
        if teams and teams not in seen:
            seen.add(teams)
            chosen.append(user)
    return chosen


def precompute_report_figures(now=None):
    """Build and keep the likely reports of every set of led teams; return how many sets were made."""
    from .reports import build_reports

    now = now or timezone.now()
    today = timezone.localdate(now)
    made = 0
    for user in leaders():
        for start, end in ranges(today):
            for group in ("team", "program"):
                form = ReportFilterForm(
                    {"start": start.isoformat(), "end": end.isoformat(), "group": group}, user=user
                )
                if not form.is_valid():
                    continue
                parameters = form.parameters()
                for language, _name in settings.LANGUAGES:
                    with translation.override(language):
                        reports = build_reports(parameters, precomputed=False)
                        cache.set(figures_key(parameters), (reports, now), FRESH_SECONDS)
                made += 1
    return made
