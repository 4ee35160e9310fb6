"""The coordinator's screening pages: screening on the case, the answers page, confirming and dismissing."""

import pytest
from django.urls import reverse

from cases.models import Need
from screening.models import NeedProposal, Screening
from tests.database import changed_tables, database_state
from tests.queries import assert_queries_bounded

from .factories import AHC, HVS, NEVER, OFTEN, SOMETIMES, administer, instrument, negative_ahc, send, unsafe

# Screenings added by the query-count tests: quick to answer (two questions), food positive.
HVS_POSITIVE = {"88122-7": [OFTEN], "88123-5": [NEVER]}

pytestmark = pytest.mark.django_db


def posted_answers(answers):
    return {f"answers-q-{code}": codes for code, codes in answers.items()}


def start_fields(caregiver, children, **changes):
    return {
        "respondent": str(caregiver.uuid),
        "children": [str(child.uuid) for child in children],
        "mode": "phone",
        "language": "es",
        **changes,
    }


def new_url(case, language="es"):
    address = reverse("screening:screening-new", args=[case.uuid])
    return f"{address}?instrument={instrument(AHC).uuid}&language={language}"


def test_the_case_page_offers_screening_and_lists_the_case_s_screenings(client, coordinator, case, caregiver):
    administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN]}))
    client.force_login(coordinator)
    page = client.get(reverse("cases:case-detail", args=[case.uuid])).content.decode()
    assert "Social-needs screening" in page
    assert reverse("screening:screening-new", args=[case.uuid]) in page
    assert reverse("screening:screening-send", args=[case.uuid]) in page
    assert "1 proposed need to confirm with the family or dismiss" in page


def test_the_coordinator_chooses_the_questions_and_their_language(client, coordinator, case):
    client.force_login(coordinator)
    page = client.get(reverse("screening:screening-new", args=[case.uuid])).content.decode()
    assert "Hunger Vital Sign" in page
    assert "Ask in Spanish" in page


def test_the_questions_are_shown_in_the_language_asked_with_the_reader_s_own_beside(
    client, coordinator, case
):
    client.force_login(coordinator)
    page = client.get(new_url(case, "es")).content.decode()
    assert "¿Cuál es su situación de vivienda hoy?" in page
    assert "What is your living situation today?" in page
    assert "Mateo" in page  # the introduction names the children the caregiver answers for


def test_a_coordinator_finishes_a_screening_on_the_case(client, coordinator, case, caregiver, mateo):
    client.force_login(coordinator)
    data = {**start_fields(caregiver, [mateo], interpreter_used="on", interpreter="Ana (ID 88)")}
    data.update(posted_answers(negative_ahc(**{"88122_7": [SOMETIMES]})), finish="1")
    response = client.post(new_url(case), data)
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:screening-detail", args=[screening.uuid])
    assert (screening.status, screening.mode, screening.language, screening.interpreter) == (
        "completed",
        "phone",
        "es",
        "Ana (ID 88)",
    )
    assert list(screening.children.all()) == [mateo]
    assert NeedProposal.objects.get().category.code == "food"


def test_answers_saved_for_later_are_shown_again_and_finished(client, coordinator, case, caregiver, mateo):
    client.force_login(coordinator)
    data = {**start_fields(caregiver, [mateo]), **posted_answers({"71802-3": ["LA31994-9"]}), "save": "1"}
    client.post(new_url(case), data)
    screening = Screening.objects.get()
    assert screening.status == Screening.Status.IN_PROGRESS
    url = reverse("screening:screening-answers", args=[screening.uuid])
    page = client.get(url).content.decode()
    assert 'value="LA31994-9" class="form-check-input" id="id_answers-q-71802-3_1" checked' in page
    response = client.post(
        url, {"version": screening.version, **posted_answers(negative_ahc()), "finish": "1"}
    )
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.status == Screening.Status.COMPLETED


def test_finishing_with_a_question_unanswered_keeps_what_was_typed(
    client, coordinator, case, caregiver, mateo
):
    client.force_login(coordinator)
    answers = negative_ahc()
    del answers["93030-5"]
    data = {**start_fields(caregiver, [mateo]), **posted_answers(answers), "finish": "1"}
    response = client.post(new_url(case), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose an answer, or that the question is not answered." in page
    assert not Screening.objects.exists()
    assert 'value="LA31993-1" class="form-check-input" id="id_answers-q-71802-3_0" checked' in page


def test_the_screening_page_shows_answers_codes_results_and_proposals(client, coordinator, case, caregiver):
    screening = administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN]}))
    client.force_login(coordinator)
    page = client.get(reverse("screening:screening-detail", args=[screening.uuid])).content.decode()
    assert "LOINC 88122-7" in page
    assert "LA28397-0" in page
    assert "Derived risk: LOINC 88124-3 = LA19952-3" in page
    assert reverse("screening:proposal-confirm", args=[NeedProposal.objects.get().uuid]) in page


def test_a_positive_safety_result_is_marked_on_the_screening_page(client, coordinator, case, caregiver):
    screening = administer(case, caregiver, unsafe(negative_ahc()))
    client.force_login(coordinator)
    page = client.get(reverse("screening:screening-detail", args=[screening.uuid])).content.decode()
    assert "never shown in the family portal and never sent to an organization" in page


def test_confirming_from_the_page_adds_the_need(client, coordinator, case, caregiver):
    proposal = NeedProposal.objects.get(
        screening=administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN]}))
    )
    client.force_login(coordinator)
    url = reverse("screening:proposal-confirm", args=[proposal.uuid])
    page = client.get(url).content.decode()
    assert "Often true" in page  # the family's answers, beside the form
    response = client.post(url, {"description": "Despensa a fin de mes", "child": "", "version": "1"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.category.code, need.description) == ("food", "Despensa a fin de mes")


def test_dismissing_from_the_page_needs_a_reason(client, coordinator, case, caregiver):
    proposal = NeedProposal.objects.get(
        screening=administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN]}))
    )
    client.force_login(coordinator)
    url = reverse("screening:proposal-dismiss", args=[proposal.uuid])
    before = database_state()
    response = client.post(url, {"reason": "other", "note": "", "version": "1"})
    assert response.status_code == 200
    assert changed_tables(before, database_state(), reads=False) == []
    response = client.post(url, {"reason": "already_addressed", "note": "", "version": "1"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == NeedProposal.Status.DISMISSED


def test_sending_to_the_portal_lists_only_caregivers_with_a_login(
    client, coordinator, case, caregiver, family
):
    from tests.cases.factories import CaregiverFactory

    CaregiverFactory(family=family, first_name="Rosa")
    client.force_login(coordinator)
    url = reverse("screening:screening-send", args=[case.uuid])
    page = client.get(url).content.decode()
    assert "María" in page
    assert "Rosa" not in page
    response = client.post(
        url,
        {
            "instrument": str(instrument(AHC).uuid),
            "respondent": str(caregiver.uuid),
            "children": [str(c.uuid) for c in case.children.all()],
        },
    )
    assert response.status_code == 302
    assert Screening.objects.get().status == Screening.Status.SENT


def test_another_team_s_screening_is_not_found_and_nothing_changes(client, outsider, case, caregiver):
    screening = administer(case, caregiver, negative_ahc(**{"88122_7": [OFTEN]}))
    proposal = NeedProposal.objects.get()
    client.force_login(outsider)
    before = database_state()
    for url in (
        reverse("screening:screening-detail", args=[screening.uuid]),
        reverse("screening:proposal-confirm", args=[proposal.uuid]),
        reverse("screening:proposal-dismiss", args=[proposal.uuid]),
        reverse("screening:screening-withdraw", args=[screening.uuid]),
    ):
        assert client.get(url).status_code == 404
        assert (
            client.post(url, {"description": "x", "reason": "family_declined", "version": "1"}).status_code
            == 404
        )
    assert changed_tables(before, database_state(), reads=False) == []


def test_the_screening_page_query_count_does_not_grow_with_the_case_s_screenings(
    client, coordinator, case, caregiver
):
    screening = administer(case, caregiver, unsafe(negative_ahc(**{"88122_7": [OFTEN]})))
    client.force_login(coordinator)

    def add_rows(count):
        for _ in range(count):
            administer(case, caregiver, HVS_POSITIVE, code=HVS)

    def load():
        assert client.get(reverse("screening:screening-detail", args=[screening.uuid])).status_code == 200

    assert_queries_bounded(add_rows=add_rows, load=load, ceiling=20)


def test_the_case_page_query_count_does_not_grow_with_screenings(client, coordinator, case, caregiver):
    client.force_login(coordinator)

    def add_rows(count):
        if not Screening.objects.pending().exists():
            send(case, caregiver)
        for _ in range(count):
            administer(case, caregiver, HVS_POSITIVE, code=HVS)

    def load():
        assert client.get(reverse("cases:case-detail", args=[case.uuid])).status_code == 200

    assert_queries_bounded(add_rows=add_rows, load=load, ceiling=26)
