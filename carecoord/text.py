"""The one text normaliser: the keys search matches on, phone digits, and the words names are compared by.

Search keys are stored beside the text they come from (``search_name``,
``phone_digits``, a service's ``search_text``) and the query is normalised the
same way, so "María" is found by "maria" on every database, and a phone number
by its digits however it was typed.
"""

import re
import unicodedata


def search_key(*parts):
    """Lower-case, accent-free text, single-spaced: ("María", "Hernández") → "maria hernandez"."""
    text = " ".join(part for part in parts if part)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def match_words(value):
    """Only the letters and digits of a search key: "Speech-Language Therapy" → "speech language therapy"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", search_key(value or "")).split())


def digits_only(value):
    """Phone numbers are matched on their digits alone: "(617) 555-0101" → "6175550101"."""
    return "".join(character for character in value or "" if character.isdigit())
