"""A family's access history: readable, for the team's supervisors and administrators only."""

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from cases.emergency import emergency_access_grant
from tests.accounts.factories import SupervisorFactory
from tests.queries import assert_queries_bounded

pytestmark = pytest.mark.django_db


def history(family):
    return reverse("supervision:family-access", args=[family.uuid])


def test_the_supervisor_reads_who_opened_what_in_words(client, coordinator, supervisor, case):
    client.force_login(coordinator)
    client.get(reverse("cases:case-detail", args=[case.uuid]), REMOTE_ADDR="203.0.113.10")
    client.force_login(supervisor)

    page = client.get(history(case.family)).content.decode()

    assert "Carmen Ortiz" in page
    assert "Opened: case page" in page
    assert "203.0.113.10" in page


def test_emergency_access_is_shown_first_with_its_reason(client, outsider, supervisor, case):
    emergency_access_grant(
        actor=outsider, case=case, reason="safety", explanation="Mateo is in our ED and Carmen is away."
    )
    client.force_login(supervisor)

    page = client.get(history(case.family)).content.decode()

    assert 'data-testid="emergency-grants"' in page
    assert "Robin Okafor" in page
    assert "Mateo is in our ED and Carmen is away." in page


def test_the_family_page_links_its_supervisor_to_the_history(client, supervisor, coordinator, case):
    client.force_login(supervisor)
    assert (
        history(case.family)
        in client.get(reverse("cases:family-detail", args=[case.family.uuid])).content.decode()
    )
    client.force_login(coordinator)
    assert (
        history(case.family)
        not in client.get(reverse("cases:family-detail", args=[case.family.uuid])).content.decode()
    )


@pytest.mark.parametrize("who", ["coordinator", "family_user", "outsider"])
def test_only_the_teams_supervisors_and_administrators_read_it(client, case, who, request, other_team, admin):
    client.force_login(request.getfixturevalue(who))
    assert client.get(history(case.family)).status_code == 404

    client.force_login(SupervisorFactory(teams=[other_team]))
    assert client.get(history(case.family)).status_code == 404

    client.force_login(admin)
    assert client.get(history(case.family)).status_code == 200


def test_reading_the_history_is_itself_recorded(client, supervisor, case):
    client.force_login(supervisor)
    client.get(history(case.family))
    event = AccessEvent.objects.get(view="supervision:family-access")
    assert (event.user, event.family_id) == (supervisor, case.family_id)


def test_the_history_asks_the_same_number_of_queries_at_5_and_50_entries(
    client, supervisor, coordinator, case
):
    client.force_login(supervisor)

    def add_rows(count):
        for _ in range(count):
            AccessEvent.objects.create(
                user=coordinator,
                role="coordinator",
                action="read",
                view="cases:case-detail",
                family_id=case.family_id,
            )

    assert_queries_bounded(add_rows=add_rows, load=lambda: client.get(history(case.family)), ceiling=12)
