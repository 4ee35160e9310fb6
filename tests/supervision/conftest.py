import datetime

import pytest

from supervision.reports import ReportParameters

from .datasets import overview_dataset, report_dataset

START, END = datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)


@pytest.fixture
def report_data(db):
    return report_dataset()


@pytest.fixture
def overview_data(db):
    return overview_dataset()


@pytest.fixture
def parameters(report_data):
    """Builds the report parameters of the supervisor of team A, for the report range by default."""
    from accounts.permissions import teams_led_by

    def build(user=None, start=START, end=END, team=None, program=None, group="team"):
        user = user or report_data.supervisor
        teams = teams_led_by(user)
        return ReportParameters(
            user=user,
            start=start,
            end=end,
            teams=teams.filter(pk=team.pk) if team else teams,
            team=team,
            program=program,
            group=group,
        )

    return build


def versions(cases):
    """The versions a supervisor saw of ``cases``, as ``cases_reassign`` takes them."""
    return {str(case.uuid): case.version for case in cases}


def posted_versions(cases):
    """The same, as the reassign page posts them (one hidden field per case)."""
    return {f"version-{case.uuid}": case.version for case in cases}
