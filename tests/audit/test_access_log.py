"""The access log: every read, list, search, export, change, refusal and sign-in, with no record text."""

import pytest
from auditlog.models import LogEntry
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from audit.models import AccessEvent, AppendOnlyError
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.10"
A = AccessEvent.Action


def last(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-pk").first()


def entry_text(event):
    """Every text the entry holds, to check no name or note of the family went in."""
    return " ".join(str(getattr(event, field.attname)) for field in AccessEvent._meta.concrete_fields)


def test_opening_a_case_records_who_with_which_role_what_and_from_where(client, coordinator, case):
    client.force_login(coordinator)
    client.get(reverse("cases:case-detail", args=[case.uuid]), REMOTE_ADDR=OFFICE)

    event = last(view="cases:case-detail")
    assert event.user == coordinator
    assert event.role == "coordinator"
    assert event.action == A.READ
    assert event.status == 200
    assert event.object_type == "case"
    assert event.object_uuid == case.uuid
    assert event.family_id == case.family_id
    assert event.address == OFFICE
    assert not event.emergency


def test_an_entry_holds_no_name_or_note_of_the_family(client, coordinator, case):
    client.force_login(coordinator)
    client.get(reverse("cases:family-detail", args=[case.family.uuid]))
    client.get(reverse("cases:search"), {"q": "Hernández"})

    for event in AccessEvent.objects.all():
        text = entry_text(event)
        assert "Hernández" not in text
        assert "Mateo" not in text


def test_lists_searches_and_exports_are_recorded_with_their_size(client, coordinator, case):
    client.force_login(coordinator)
    client.get(reverse("cases:caseload"))
    client.get(reverse("cases:search"), {"q": "Hernández"})
    client.get(reverse("cases:caseload-export"))
    client.get(reverse("referrals:referral-list"))

    assert last(view="cases:caseload").action == A.LIST
    assert last(view="cases:caseload").rows == 1
    search = last(view="cases:search")
    assert (search.action, search.rows) == (A.SEARCH, 1)
    export = last(view="cases:caseload-export")
    assert (export.action, export.rows) == (A.EXPORT, 1)
    assert last(view="referrals:referral-list").action == A.LIST


def test_a_change_is_recorded_against_the_household(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:family-edit", args=[case.family.uuid]),
        {"name": case.family.name, "preferred_language": "es", "version": case.family.version},
    )
    event = last(view="cases:family-edit")
    assert event.action == A.CHANGE
    assert event.method == "POST"
    assert event.status == response.status_code
    assert event.family_id == case.family_id


def test_opening_a_record_outside_ones_scope_is_recorded_as_refused(client, outsider, case):
    client.force_login(outsider)
    response = client.get(reverse("cases:family-detail", args=[case.family.uuid]))

    assert response.status_code == 404
    event = last(view="cases:family-detail")
    assert (event.user, event.action, event.status) == (outsider, A.DENIED, 404)


def test_a_family_reaching_another_familys_page_is_refused_and_recorded(client, family_user, outsider):
    client.force_login(family_user)
    client.get(reverse("cases:caseload"))

    event = last(user=family_user, view="cases:caseload")
    assert event.role == "family"
    assert event.action == A.DENIED


def test_the_family_portal_records_the_family_reading_its_summary(client, family_user, case):
    client.force_login(family_user)
    client.get(reverse("portal:home"))

    event = last(view="portal:home")
    assert (event.user, event.role, event.family_id) == (family_user, "family", case.family_id)


def test_sign_in_failed_sign_in_sign_out_and_lockout_are_recorded(client, coordinator):
    login = reverse("login")
    client.post(login, {"username": coordinator.username, "password": "wrong"}, REMOTE_ADDR=OFFICE)
    failed = last(action=A.SIGN_IN_FAILED)
    assert (failed.username, failed.user, failed.address) == (coordinator.username, None, OFFICE)

    client.post(login, {"username": coordinator.username, "password": PASSWORD}, REMOTE_ADDR=OFFICE)
    signed_in = last(action=A.SIGN_IN)
    assert (signed_in.user, signed_in.role, signed_in.address) == (coordinator, "coordinator", OFFICE)

    client.post(reverse("logout"), REMOTE_ADDR=OFFICE)
    assert last(action=A.SIGN_OUT).user == coordinator

    for _attempt in range(5):
        client.post(login, {"username": coordinator.username, "password": "wrong"}, REMOTE_ADDR=OFFICE)
    locked = last(action=A.LOCKED_OUT)
    assert (locked.username, locked.address) == (coordinator.username, OFFICE)


def test_an_anonymous_visitor_leaves_no_entry_for_the_sign_in_page(client):
    client.get(reverse("login"))
    assert not AccessEvent.objects.exists()


def test_the_idle_warnings_poll_is_not_an_access(client, coordinator):
    client.force_login(coordinator)
    before = AccessEvent.objects.count()
    client.get(reverse("accounts:session"))
    assert AccessEvent.objects.count() == before


def test_entries_cannot_be_changed_or_removed_through_the_application(client, coordinator, case):
    client.force_login(coordinator)
    client.get(reverse("cases:case-detail", args=[case.uuid]))
    event = last(view="cases:case-detail")

    event.status = 500
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(status=500)
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert AccessEvent.objects.get(pk=event.pk).status == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("table", ["audit_accessevent", "auditlog_logentry"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_the_database_refuses_updates_and_deletes_of_audit_entries(
    client, coordinator, case, table, statement
):
    client.force_login(coordinator)
    client.get(reverse("cases:case-detail", args=[case.uuid]))
    client.post(
        reverse("cases:family-edit", args=[case.family.uuid]),
        {"name": "Hernández family", "preferred_language": "es", "version": case.family.version},
    )
    assert AccessEvent.objects.exists()
    assert LogEntry.objects.exists()
    counts = (AccessEvent.objects.count(), LogEntry.objects.count())

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table))

    assert (AccessEvent.objects.count(), LogEntry.objects.count()) == counts
