"""One need sent to several services at once: the first to accept wins, the others are withdrawn."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from referrals import services
from referrals.models import Referral
from tests.cases.factories import ConsentFactory
from tests.referrals.factories import contact_service, therapy_need

pytestmark = pytest.mark.django_db

S = Referral.Status
FILLED = Referral.ReasonCode.FILLED_ELSEWHERE


@pytest.fixture
def need(case, consent):
    return therapy_need(case)


def three_services():
    return [contact_service(email=f"intake{n}@therapy.example.org") for n in range(3)]


def send_batch(need, coordinator, chosen=None):
    return services.referral_create_batch(
        need=need, actor=coordinator, services=chosen or three_services(), note="Urgent.", send=True
    )


def test_the_form_sends_one_need_to_several_services_in_one_batch(
    client, need, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    chosen = three_services()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:referral-new") + f"?need={need.uuid}",
            {"service": [service.pk for service in chosen], "send": "on"},
        )
    assert response.status_code == 302
    referrals = Referral.objects.filter(need=need)
    assert referrals.count() == 3
    assert len({referral.batch for referral in referrals}) == 1
    assert referrals.first().batch is not None
    assert {referral.status for referral in referrals} == {S.REQUESTED}
    assert sorted(message.to[0] for message in mailoutbox) == [
        "intake0@therapy.example.org",
        "intake1@therapy.example.org",
        "intake2@therapy.example.org",
    ]


def test_the_directory_can_open_the_form_with_several_services_chosen(client, need, coordinator):
    chosen = three_services()
    client.force_login(coordinator)
    query = "&".join(f"service={service.uuid}" for service in chosen)
    response = client.get(reverse("referrals:referral-new") + f"?need={need.uuid}&{query}&service=nonsense")
    assert response.status_code == 200
    assert list(response.context["form"].initial["service"]) == sorted(
        chosen, key=lambda service: service.name
    )


def test_more_than_five_services_are_refused_and_nothing_is_saved(client, need, coordinator):
    chosen = [contact_service() for _ in range(6)]
    client.force_login(coordinator)
    response = client.post(
        reverse("referrals:referral-new") + f"?need={need.uuid}",
        {"service": [service.pk for service in chosen], "send": "on"},
    )
    assert response.status_code == 200
    assert "at most 5" in response.content.decode()
    assert Referral.objects.count() == 0
    with pytest.raises(ValidationError):
        send_batch(need, coordinator, chosen)
    assert Referral.objects.count() == 0


def test_consent_must_cover_every_service_or_none_is_sent(case, coordinator):
    ConsentFactory(family=case.family, scope="named", scope_detail="Kestrel Therapy Group")
    need = therapy_need(case)
    covered = contact_service(organization__name="Kestrel Therapy Group")
    not_covered = contact_service(organization__name="Harbor Rehab")
    with pytest.raises(services.ConsentMissing):
        send_batch(need, coordinator, [covered, not_covered])
    assert Referral.objects.count() == 0


def test_the_first_to_accept_wins_and_the_others_are_cancelled_as_filled_elsewhere(
    need, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    winner, second, third = send_batch(need, coordinator)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_answer(version=winner.version, referral=winner, answer="accept")
    for other in (second, third):
        other.refresh_from_db()
        assert other.status == S.CANCELLED
        assert other.reason_code == FILLED
        assert other.status_reason == "Filled by another service"
    assert Referral.objects.get(pk=winner.pk).status == S.ACCEPTED
    assert sorted(message.to[0] for message in mailoutbox) == [second.sent_to, third.sent_to]
    assert all("filled by another service" in message.body for message in mailoutbox)


def test_a_coordinator_accepting_for_one_service_withdraws_the_others_too(need, coordinator):
    winner, second, _third = send_batch(need, coordinator)
    services.referral_transition(version=winner.version, referral=winner, to=S.ACCEPTED, actor=coordinator)
    second.refresh_from_db()
    assert (second.status, second.reason_code) == (S.CANCELLED, FILLED)
    assert second.events.filter(to_status=S.CANCELLED, actor=coordinator).exists()


def test_a_referral_already_declined_in_the_batch_stays_declined(need, coordinator):
    winner, declined, _third = send_batch(need, coordinator)
    services.organization_answer(
        version=declined.version, referral=declined, answer="decline", reason_code="no_capacity"
    )
    services.organization_answer(version=winner.version, referral=winner, answer="accept")
    declined.refresh_from_db()
    assert (declined.status, declined.reason_code) == (S.REJECTED, Referral.ReasonCode.NO_CAPACITY)


def test_a_withdrawn_organizations_link_says_the_need_was_filled_elsewhere(client, need, coordinator):
    winner, second, _third = send_batch(need, coordinator)
    token = services.referral_link_token(second)
    services.organization_answer(version=winner.version, referral=winner, answer="accept")
    response = client.get(reverse("referrals:organization-link", args=[token]))
    assert response.status_code == 410
    assert "filled by another service" in response.content.decode()


def test_a_withdrawn_referral_cannot_be_accepted_afterwards(need, coordinator):
    winner, second, _third = send_batch(need, coordinator)
    services.organization_answer(version=winner.version, referral=winner, answer="accept")
    with pytest.raises(ValidationError):
        services.organization_answer(version=second.version, referral=second, answer="accept")


def test_a_single_referral_has_no_batch(need, coordinator):
    (referral,) = send_batch(need, coordinator, [contact_service()])
    assert referral.batch is None


def test_the_referral_page_lists_the_rest_of_its_batch(client, need, coordinator):
    first, second, _third = send_batch(need, coordinator)
    client.force_login(coordinator)
    content = client.get(reverse("referrals:referral-detail", args=[first.uuid])).content.decode()
    assert 'data-testid="referral-batch"' in content
    assert reverse("referrals:referral-detail", args=[second.uuid]) in content
