"""Is a child likely eligible for a service? The service's structured eligibility against the family.

A service's eligibility is what HSDS holds in structured form: its age range
(``minimum_age``, ``maximum_age``), the insurance it accepts (attributes of an
insurance taxonomy), its languages, and the towns and postcodes it serves
(``service_areas``). ``refresh_service_eligibility`` derives the searchable
forms of the last two; ``eligibility_for`` compares them with a child and
family and gives "likely eligible" or each reason not, as a kind and its values
(templates/referrals/directory_search.html renders them in the reader's
language). Free-text eligibility is shown, never guessed at.
"""

import re
from dataclasses import dataclass, field

from carecoord.text import match_words, search_key

from .querysets import ENGLISH

POSTCODE = re.compile(r"\b\d{5}\b")
FREE_WORDS = ("free", "no cost", "no charge", "sin costo", "gratis", "gratuito")


def joined(values):
    """Values between "|", each normalised, so that "|riverton|" matches one town whole."""
    values = sorted({value for value in values if value})
    return f"|{'|'.join(values)}|" if values else ""


def refresh_service_eligibility(service):
    """Derive the towns, postcodes and free option a service's areas and costs say; True when changed."""
    areas = list(service.service_areas.all())
    towns = joined(match_words(area.name) for area in areas)
    postcodes = joined(
        code
        for area in areas
        if area.extent_type.casefold() == "text"
        for code in POSTCODE.findall(area.extent)
    )
    fees = search_key(service.fees_description)
    free = any(
        option.amount == 0 for option in service.cost_options.all() if option.amount is not None
    ) or any(re.search(rf"\b{word}\b", fees) for word in FREE_WORDS)
    changed = (service.served_towns, service.served_postcodes, service.has_free_option) != (
        towns,
        postcodes,
        free,
    )
    if changed:
        service.served_towns, service.served_postcodes, service.has_free_option = towns, postcodes, free
        service.save(update_fields=["served_towns", "served_postcodes", "has_free_option"])
    return changed


@dataclass(frozen=True)
class Reason:
    kind: str  # "age", "area", "insurance", "language"
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Eligibility:
    reasons: tuple = ()

    @property
    def likely(self):
        return not self.reasons


def _age_range(service):
    low, high = service.minimum_age, service.maximum_age
    shown = [format(age.normalize(), "f") if age is not None else "" for age in (low, high)]
    return shown


def eligibility_for(service, *, age=None, town="", postcode="", insurance="", language=""):
    """Whether a child of ``age`` in a family living at ``town``/``postcode``, with ``insurance`` and
    speaking ``language``, is likely eligible for ``service``; a reason for each rule it fails.

    A rule the service does not state (no age range, no area, no insurance listed) is not failed.
    Uses ``service.languages`` as prefetched.
    """
    reasons = []
    if age is not None:
        low, high = service.minimum_age, service.maximum_age
        if (low is not None and age < low) or (high is not None and age > high):
            minimum, maximum = _age_range(service)
            reasons.append(Reason("age", {"age": age, "minimum": minimum, "maximum": maximum}))
    if service.served_towns or service.served_postcodes:
        code = (postcode or "").strip()[:5]
        by_code = bool(code) and f"|{code}|" in service.served_postcodes
        by_town = bool(town) and f"|{match_words(town)}|" in service.served_towns
        if (code or town) and not (by_code or by_town):
            towns = ", ".join(name.title() for name in service.served_towns.strip("|").split("|") if name)
            reasons.append(
                Reason("area", {"place": town or code, "served": towns or service.served_postcodes})
            )
    if insurance and service.insurance_accepted:
        accepted = [match_words(name) for name in service.insurance_accepted.split(",")]
        wanted = match_words(insurance)
        if not any(name and (name in wanted or wanted in name) for name in accepted):
            reasons.append(
                Reason("insurance", {"insurance": insurance, "accepted": service.insurance_accepted})
            )
    if language:
        spoken = {code for language_row in service.languages.all() for code in (language_row.code,)}
        names = {match_words(language_row.name) for language_row in service.languages.all()}
        wanted = language.casefold()
        if spoken or names:
            if wanted not in spoken and match_words(language) not in names:
                reasons.append(Reason("language", {"language": language}))
        elif wanted not in ENGLISH:
            reasons.append(Reason("language", {"language": language}))
    return Eligibility(tuple(reasons))
