"""Instruments are data: load a domain list or an instrument version from its JSON description.

The data migrations load the files of ``screening/instruments/`` with the
historical models (``apps``); ``manage.py load_instrument FILE`` loads another
with the current ones. An instrument version already in the database is left
as it is: a changed instrument is a new version, never an edit of one that
families may have answered.
"""

import json
from pathlib import Path

INSTRUMENTS_DIR = Path(__file__).parent / "instruments"
DOMAINS_FILE = INSTRUMENTS_DIR / "domains.json"
INSTRUMENT_FIELDS = (
    "code",
    "version",
    "loinc_code",
    "title_en",
    "title_es",
    "introduction_en",
    "introduction_es",
    "source",
)
# Each record's optional fields and their values when left out; the others are required.
SCORING_DEFAULTS = {
    "threshold": None,
    "risk_code": "",
    "positive_code": "",
    "positive_display": "",
    "negative_code": "",
    "negative_display": "",
}
QUESTION_DEFAULTS = {"help_en": "", "help_es": "", "multiple": False}
OPTION_DEFAULTS = {"positive": False, "score": None, "declines": False, "exclusive": False}


def _fields(row, required, defaults):
    return {
        **{name: row[name] for name in required},
        **{name: row.get(name, value) for name, value in defaults.items()},
    }


class InstrumentError(ValueError):
    """The description of an instrument does not hold together; nothing was loaded."""


def read(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def load_domains(apps, rows=None):
    """Create the screening domains that are missing (an existing domain is kept as it is)."""
    Domain = apps.get_model("screening", "Domain")
    ServiceCategory = apps.get_model("cases", "ServiceCategory")
    for row in rows if rows is not None else read(DOMAINS_FILE):
        category = ServiceCategory.objects.get(code=row["category"])
        fields = {
            name: row[name] for name in ("name_en", "name_es", "sensitive", "sdoh_category", "position")
        }
        Domain.objects.get_or_create(code=row["code"], defaults={**fields, "category": category})


def check(data, domain_codes):
    """Refuse an instrument whose questions, answers and scoring rules do not fit each other."""
    scored = {scoring["domain"]: scoring for scoring in data["scorings"]}
    unknown = sorted(({*scored} | {q["domain"] for q in data["questions"]}) - set(domain_codes))
    if unknown:
        raise InstrumentError(f"Unknown domains: {', '.join(unknown)}")
    asked = {question["domain"] for question in data["questions"]}
    if asked != set(scored):
        raise InstrumentError("Every domain asked needs exactly one scoring rule, and every rule a question.")
    codes = [question["loinc_code"] for question in data["questions"]]
    if len(codes) != len(set(codes)):
        raise InstrumentError("A question code appears twice.")
    for question in data["questions"]:
        options = question["options"]
        if len({option["code"] for option in options}) != len(options):
            raise InstrumentError(f"{question['loinc_code']}: an answer code appears twice.")
        if not any(option.get("declines") for option in options):
            raise InstrumentError(
                f"{question['loinc_code']}: declining to answer must be one of the answers."
            )
        rule = scored[question["domain"]]["rule"]
        if rule == "score_at_least" and any(
            option.get("score") is None for option in options if not option.get("declines")
        ):
            raise InstrumentError(f"{question['loinc_code']}: a scored domain needs a score on every answer.")


def load_instrument(apps, data):
    """Create the instrument version ``data`` describes, with its questions, answers and scoring rules.

    Returns (instrument, created); a version already loaded is returned unchanged.
    """
    Instrument = apps.get_model("screening", "Instrument")
    Domain = apps.get_model("screening", "Domain")
    Scoring = apps.get_model("screening", "Scoring")
    Question = apps.get_model("screening", "Question")
    AnswerOption = apps.get_model("screening", "AnswerOption")
    existing = Instrument.objects.filter(code=data["code"], version=data["version"]).first()
    if existing:
        return existing, False
    domains = {domain.code: domain for domain in Domain.objects.all()}
    check(data, domains)
    # A new version replaces the one offered until now.
    Instrument.objects.filter(code=data["code"], active=True).update(active=False)
    instrument = Instrument.objects.create(
        **_fields(data, INSTRUMENT_FIELDS, {"translation_note": "", "position": 0}), active=True
    )
    for scoring in data["scorings"]:
        Scoring.objects.create(
            instrument=instrument,
            domain=domains[scoring["domain"]],
            **_fields(scoring, ("rule",), SCORING_DEFAULTS),
        )
    for position, question in enumerate(data["questions"], start=1):
        made = Question.objects.create(
            instrument=instrument,
            domain=domains[question["domain"]],
            position=position,
            **_fields(question, ("loinc_code", "text_en", "text_es"), QUESTION_DEFAULTS),
        )
        for option_position, option in enumerate(question["options"], start=1):
            AnswerOption.objects.create(
                question=made,
                position=option_position,
                **_fields(option, ("code", "text_en", "text_es"), OPTION_DEFAULTS),
            )
    return instrument, True


def load_shipped(apps, names):
    """The domains, and the instrument versions shipped in ``screening/instruments/`` under ``names``.

    Each data migration names its files, so a file added later is loaded by its
    own migration, with the models as they are then.
    """
    load_domains(apps)
    for name in names:
        load_instrument(apps, read(INSTRUMENTS_DIR / name))
