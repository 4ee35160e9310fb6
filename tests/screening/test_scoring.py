"""Scoring: every answer combination of the Hunger Vital Sign and each AHC domain, in English and Spanish.

Each case is answered through the service as a coordinator would, once with the
questions in English and once in Spanish: the stored codes and the results must
be the same in both.
"""

import itertools

import pytest

from screening.models import Instrument, ScreeningResult

from .factories import (
    AHC,
    DECLINE,
    DONT_KNOW,
    FAIRLY_OFTEN,
    FREQUENTLY,
    HVS,
    MOLD,
    NEVER,
    NEVER_HURT,
    NO,
    NO_STEADY,
    OFTEN,
    PESTS,
    RARELY,
    SHUT_OFF,
    SOMETIMES,
    SOMETIMES_HURT,
    WORRIED,
    YES,
    administer,
    negative_ahc,
)

pytestmark = pytest.mark.django_db

POSITIVE, NEGATIVE, DECLINED = (
    ScreeningResult.Result.POSITIVE,
    ScreeningResult.Result.NEGATIVE,
    ScreeningResult.Result.DECLINED,
)
LANGUAGES = ["en", "es"]
HVS_ANSWERS = [OFTEN, SOMETIMES, NEVER, DONT_KNOW]


def hvs_expected(first, second):
    """The Hunger Vital Sign's rule: at risk when either answer is often or sometimes true."""
    if {first, second} & {OFTEN, SOMETIMES}:
        return POSITIVE
    if first == second == DONT_KNOW:
        return DECLINED
    return NEGATIVE


def results(screening):
    return {result.domain.code: result for result in screening.results.select_related("domain")}


def stored_codes(screening):
    return sorted(
        screening.answers.values_list("question_code", "answer_code", "positive", "score", "declined")
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("first", "second"), list(itertools.product(HVS_ANSWERS, HVS_ANSWERS)))
def test_every_hunger_vital_sign_combination_is_scored_by_its_rule(case, caregiver, first, second, language):
    screening = administer(
        case, caregiver, {"88122-7": [first], "88123-5": [second]}, code=HVS, language=language
    )
    food = results(screening)["food"]
    expected = hvs_expected(first, second)
    assert food.result == expected
    assert food.risk_code == "88124-3"
    assert food.result_code == {POSITIVE: "LA19952-3", NEGATIVE: "LA19983-8", DECLINED: ""}[expected]
    assert stored_codes(screening) == sorted(
        [
            ("88122-7", first, first in (OFTEN, SOMETIMES), None, first == DONT_KNOW),
            ("88123-5", second, second in (OFTEN, SOMETIMES), None, second == DONT_KNOW),
        ]
    )


AHC_CASES = [
    # (domain, answers changed from a negative screening, expected result)
    ("living_situation", {}, NEGATIVE),
    ("living_situation", {"71802_3": [WORRIED]}, POSITIVE),
    ("living_situation", {"71802_3": [NO_STEADY]}, POSITIVE),
    ("living_situation", {"96778_6": [MOLD]}, POSITIVE),
    ("living_situation", {"96778_6": [MOLD, PESTS]}, POSITIVE),
    ("living_situation", {"71802_3": [DECLINE]}, NEGATIVE),
    ("living_situation", {"71802_3": [DECLINE], "96778_6": [MOLD]}, POSITIVE),
    ("living_situation", {"71802_3": [DECLINE], "96778_6": [DECLINE]}, DECLINED),
    ("food", {"88122_7": [SOMETIMES]}, POSITIVE),
    ("food", {"88123_5": [OFTEN]}, POSITIVE),
    ("food", {"88122_7": [DONT_KNOW]}, NEGATIVE),
    ("food", {"88122_7": [DONT_KNOW], "88123_5": [DONT_KNOW]}, DECLINED),
    ("transportation", {"93030_5": [YES]}, POSITIVE),
    ("transportation", {"93030_5": [NO]}, NEGATIVE),
    ("transportation", {"93030_5": [DECLINE]}, DECLINED),
    ("utilities", {"96779_4": [YES]}, POSITIVE),
    ("utilities", {"96779_4": [SHUT_OFF]}, POSITIVE),
    ("utilities", {"96779_4": [NO]}, NEGATIVE),
    ("utilities", {"96779_4": [DECLINE]}, DECLINED),
    ("safety", {}, NEGATIVE),
    # 3 + 3 + 2 + 2 = 10: below the threshold of 11.
    (
        "safety",
        {"95618_5": [SOMETIMES_HURT], "95617_7": [SOMETIMES_HURT], "95616_9": [RARELY], "95615_1": [RARELY]},
        NEGATIVE,
    ),
    # 3 + 3 + 3 + 2 = 11: positive.
    (
        "safety",
        {
            "95618_5": [SOMETIMES_HURT],
            "95617_7": [SOMETIMES_HURT],
            "95616_9": [SOMETIMES_HURT],
            "95615_1": [RARELY],
        },
        POSITIVE,
    ),
    # 5 + 5 + 1 = 11 with one question declined: positive all the same.
    ("safety", {"95618_5": [FREQUENTLY], "95617_7": [FREQUENTLY], "95615_1": [DECLINE]}, POSITIVE),
    # 4 + 1 + 1 = 6 with one declined: too few answers to rule it out.
    ("safety", {"95618_5": [FAIRLY_OFTEN], "95615_1": [DECLINE]}, DECLINED),
    (
        "safety",
        {"95618_5": [DECLINE], "95617_7": [DECLINE], "95616_9": [DECLINE], "95615_1": [DECLINE]},
        DECLINED,
    ),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("domain", "changes", "expected"),
    AHC_CASES,
    ids=[f"{domain}-{index}" for index, (domain, _changes, _expected) in enumerate(AHC_CASES)],
)
def test_each_ahc_domain_is_scored_by_its_rule(case, caregiver, domain, changes, expected, language):
    screening = administer(case, caregiver, negative_ahc(**changes), language=language)
    found = results(screening)
    assert found[domain].result == expected
    others = {code: result.result for code, result in found.items() if code != domain}
    assert set(others.values()) == {NEGATIVE}, "the other domains stay negative"


def test_the_safety_score_is_the_sum_of_the_answers_given(case, caregiver):
    answers = negative_ahc(
        **{"95618_5": [FREQUENTLY], "95617_7": [FAIRLY_OFTEN], "95616_9": [RARELY], "95615_1": [NEVER_HURT]}
    )
    assert results(administer(case, caregiver, answers))["safety"].score == 5 + 4 + 2 + 1


def test_answers_in_english_and_spanish_are_stored_with_identical_codes_and_results(case, caregiver):
    answers = negative_ahc(**{"71802_3": [WORRIED], "96778_6": [MOLD, PESTS], "93030_5": [DECLINE]})
    english = administer(case, caregiver, answers, language="en")
    spanish = administer(case, caregiver, answers, language="es")
    assert stored_codes(english) == stored_codes(spanish)
    assert {code: r.result for code, r in results(english).items()} == {
        code: r.result for code, r in results(spanish).items()
    }
    assert english.language == "en"
    assert spanish.language == "es"


def test_every_question_and_answer_of_the_shipped_instruments_has_english_and_spanish_words():
    for instrument in Instrument.objects.filter(code__in=[AHC, HVS]).prefetch_related("questions__options"):
        assert instrument.title_es
        assert instrument.introduction_es
        assert instrument.translation_note
        for question in instrument.questions.all():
            assert question.text_es, question.loinc_code
            for option in question.options.all():
                assert option.text_es, option.code


def test_the_shipped_instruments_carry_their_loinc_panels_and_codes():
    ahc = Instrument.objects.get(code=AHC, active=True)
    hvs = Instrument.objects.get(code=HVS, active=True)
    assert ahc.loinc_code == "96777-8"
    assert hvs.loinc_code == "88121-9"
    assert list(hvs.questions.values_list("loinc_code", flat=True)) == ["88122-7", "88123-5"]
    assert list(hvs.questions.first().options.values_list("code", flat=True)) == [
        OFTEN,
        SOMETIMES,
        NEVER,
        DONT_KNOW,
    ]
    assert list(ahc.scorings.values_list("domain__code", flat=True)) == [
        "living_situation",
        "food",
        "transportation",
        "utilities",
        "safety",
    ]
    assert ahc.questions.count() == 10


def test_the_introduction_says_a_caregiver_answers_for_the_children(case, mateo):
    instrument = Instrument.objects.get(code=AHC, active=True)
    assert "Mateo" in instrument.introduction_for([mateo], "en")
    assert "caregiver" in instrument.introduction_for([mateo], "en")
    assert "Mateo" in instrument.introduction_for([mateo], "es")
