"""Service categories: HSDS taxonomy terms mapped onto the case side's list.

A term maps when its name or code, ignoring case, accents and punctuation, is in
``CATEGORY_NAMES`` or is one of ServiceCategory.Code's values; a term that does
not map takes the category of its nearest mapped parent term (see
``refresh_derived`` in writing.py).
"""

from carecoord.text import match_words
from cases.models import ServiceCategory

Code = ServiceCategory.Code

CATEGORY_NAMES = {
    "medical": Code.MEDICAL,
    "medical care": Code.MEDICAL,
    "health care": Code.MEDICAL,
    "healthcare": Code.MEDICAL,
    "primary care": Code.MEDICAL,
    "specialty medical care": Code.MEDICAL,
    "physical therapy": Code.PHYSICAL_THERAPY,
    "physiotherapy": Code.PHYSICAL_THERAPY,
    "speech therapy": Code.SPEECH_THERAPY,
    "speech and language therapy": Code.SPEECH_THERAPY,
    "speech language pathology": Code.SPEECH_THERAPY,
    "occupational therapy": Code.OCCUPATIONAL_THERAPY,
    "behavioral health": Code.BEHAVIORAL_HEALTH,
    "behavioural health": Code.BEHAVIORAL_HEALTH,
    "mental health": Code.BEHAVIORAL_HEALTH,
    "mental health care": Code.BEHAVIORAL_HEALTH,
    "crisis intervention": Code.BEHAVIORAL_HEALTH,
    "counseling": Code.BEHAVIORAL_HEALTH,
    "housing": Code.HOUSING,
    "housing assistance": Code.HOUSING,
    "shelter": Code.HOUSING,
    "transportation": Code.TRANSPORTATION,
    "medical transportation": Code.TRANSPORTATION,
    "non emergency medical transportation": Code.TRANSPORTATION,
    "food": Code.FOOD,
    "food pantry": Code.FOOD,
    "food assistance": Code.FOOD,
    "financial assistance": Code.FINANCIAL,
    "financial": Code.FINANCIAL,
    "early intervention": Code.EARLY_INTERVENTION,
    "early childhood education": Code.EARLY_INTERVENTION,
    "special education": Code.EARLY_INTERVENTION,
    "child care": Code.CHILDCARE,
    "childcare": Code.CHILDCARE,
    "legal": Code.LEGAL,
    "legal aid": Code.LEGAL,
    "legal assistance": Code.LEGAL,
    "legal services": Code.LEGAL,
}

# Terms of these taxonomies (the taxonomy_terms.csv "taxonomy" column) name the
# insurance a service accepts, e.g. "Medicaid", "CHIP", "Private".
INSURANCE_TAXONOMIES = {"insurance", "insurance accepted"}


def category_code_for_term(name, code=""):
    """The ServiceCategory code a taxonomy term's name or code maps to, or None."""
    known_codes = {match_words(value): value for value in Code.values}
    for candidate in (match_words(code), match_words(name)):
        if candidate in known_codes:
            return known_codes[candidate]
        if candidate in CATEGORY_NAMES:
            return str(CATEGORY_NAMES[candidate])
    return None


def term_category(writer=None):
    """The taxonomy terms' ``derived_values`` hook: each term's own service category, if it maps."""
    category_ids = dict(ServiceCategory.objects.values_list("code", "pk"))

    def derive(values):
        return {"category_id": category_ids.get(category_code_for_term(values["name"], values["code"]))}

    return derive
