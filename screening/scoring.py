"""Scoring: the result of each domain of a completed screening, from the answers and the instrument's rules.

Pure functions over the instrument's rows, so every rule can be tested over
every combination of answers. The rules, for every domain of an instrument:

* **any positive** (AHC living situation, food, transportation, utilities; the
  Hunger Vital Sign): positive when any answer chosen is positive; negative when
  none is, and at least one question was answered; declined when every
  question of the domain was declined.
* **score at least** (AHC interpersonal safety: never 1 … frequently 5, positive
  at 11 or more): the scores of the answers given are added up; positive when
  the total reaches the threshold, even if some questions were declined;
  negative when every question was answered and the total stays below it;
  declined otherwise (too few answers to rule the need out).
"""

from dataclasses import dataclass

from .models import Scoring, ScreeningResult

R = ScreeningResult.Result


@dataclass(frozen=True)
class DomainScore:
    scoring: Scoring
    result: str
    score: int | None

    @property
    def result_code(self):
        if self.result == R.POSITIVE:
            return self.scoring.positive_code
        if self.result == R.NEGATIVE:
            return self.scoring.negative_code
        return ""


def score_domain(scoring, questions, chosen):
    """The result of ``scoring``'s domain: ``questions`` are the domain's, ``chosen`` maps each question's
    id to the options chosen for it."""
    picked = [chosen.get(question.pk, []) for question in questions]
    given = [option for options in picked for option in options if not option.declines]
    declined_questions = sum(
        1 for options in picked if options and all(option.declines for option in options)
    )
    if scoring.rule == Scoring.Rule.SCORE_AT_LEAST:
        total = sum(option.score or 0 for option in given)
        if total >= scoring.threshold:
            return DomainScore(scoring, R.POSITIVE, total)
        if declined_questions == 0 and all(picked):
            return DomainScore(scoring, R.NEGATIVE, total)
        return DomainScore(scoring, R.DECLINED, total)
    if any(option.positive for option in given):
        return DomainScore(scoring, R.POSITIVE, None)
    if given:
        return DomainScore(scoring, R.NEGATIVE, None)
    return DomainScore(scoring, R.DECLINED, None)


def score_screening(scorings, questions, chosen):
    """Every domain's result: ``scorings`` and ``questions`` of one instrument, ``chosen`` as above."""
    by_domain = {}
    for question in questions:
        by_domain.setdefault(question.domain_id, []).append(question)
    return [score_domain(scoring, by_domain.get(scoring.domain_id, []), chosen) for scoring in scorings]
