"""Screenings for tests: the shipped instruments (loaded by migration screening/0002), and answers given
through the services, as a coordinator or a caregiver would give them."""

from screening import services
from screening.models import Instrument, Screening

AHC = "ahc-hrsn-core"
HVS = "hvs"

# Answer codes of the shipped instruments.
OFTEN, SOMETIMES, NEVER, DONT_KNOW = "LA28397-0", "LA6729-3", "LA28398-8", "LA15775-2"
DECLINE = "LA30122-8"
YES, NO, SHUT_OFF = "LA33-6", "LA32-8", "LA32002-0"
STEADY, WORRIED, NO_STEADY = "LA31993-1", "LA31994-9", "LA31995-6"
NONE_OF_THE_ABOVE, MOLD, PESTS = "LA9-3", "LA28580-1", "LA31996-4"
NEVER_HURT, RARELY, SOMETIMES_HURT, FAIRLY_OFTEN, FREQUENTLY = (
    "LA6270-8",
    "LA10066-1",
    "LA10082-8",
    "LA16644-9",
    "LA6482-9",
)
SAFETY_QUESTIONS = ("95618-5", "95617-7", "95616-9", "95615-1")


def instrument(code):
    return Instrument.objects.prefetch_related("questions__options").get(code=code, active=True)


def negative_ahc(**changes):
    """AHC answers with no need in any domain; ``changes`` maps question codes (with _ for -) to codes."""
    answers = {
        "71802-3": [STEADY],
        "96778-6": [NONE_OF_THE_ABOVE],
        "88122-7": [NEVER],
        "88123-5": [NEVER],
        "93030-5": [NO],
        "96779-4": [NO],
        **{code: [NEVER_HURT] for code in SAFETY_QUESTIONS},
    }
    return answers | {code.replace("_", "-"): value for code, value in changes.items()}


def unsafe(answers):
    """``answers`` with interpersonal safety positive (frequently, frequently, fairly often, never: 15)."""
    return answers | {
        "95618-5": [FREQUENTLY],
        "95617-7": [FREQUENTLY],
        "95616-9": [FAIRLY_OFTEN],
        "95615-1": [NEVER_HURT],
    }


def administer(case, respondent, answers, *, code=AHC, finish=True, actor=None, children=None, **context):
    """A coordinator screens the family on ``case`` by phone (finished unless told otherwise)."""
    return services.screening_administer(
        case=case,
        instrument=instrument(code),
        respondent=respondent,
        children=children or list(case.children.all()),
        mode=context.pop("mode", Screening.Mode.PHONE),
        language=context.pop("language", "es"),
        actor=actor or case.coordinator,
        answers=answers,
        finish=finish,
        **context,
    )


def send(case, respondent, *, code=AHC, actor=None):
    return services.screening_send(
        case=case,
        instrument=instrument(code),
        respondent=respondent,
        children=list(case.children.all()),
        actor=actor or case.coordinator,
    )
