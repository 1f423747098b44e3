"""Names of reference records in the reader's language.

The records keep the English name (what the annex's JSON and the database sort by); a reader sees the
name in their language: states from pycountry's ISO 3166 translations (UN French short names where
ISO's inverts the words), organisations and operations from the French name their record carries."""

from __future__ import annotations

import functools
import gettext

import pycountry
from django.utils import translation

# ISO's French puts the kind of state last ("Russie, Fédération de"); the UN writes it first.
UN_FRENCH_NAMES = {
    "RUS": "Fédération de Russie", "FSM": "Micronésie (États fédérés de)", "KOR": "République de Corée",
    "PRK": "République populaire démocratique de Corée", "IRN": "Iran (République islamique d’)",
    "TZA": "République-Unie de Tanzanie", "VEN": "Venezuela (République bolivarienne du)",
    "BOL": "Bolivie (État plurinational de)", "MDA": "République de Moldova",
    "LAO": "République démocratique populaire lao", "SYR": "République arabe syrienne",
    "COD": "République démocratique du Congo", "COG": "Congo",
}


@functools.lru_cache(maxsize=8)
def _iso3166(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def state_name(iso3: str, english: str) -> str:
    """The state's name in the active language; the English name for English or an unknown code."""
    language = (translation.get_language() or "en")[:2]
    if language == "en":
        return english
    if language == "fr" and iso3 in UN_FRENCH_NAMES:
        return UN_FRENCH_NAMES[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return english
    return _iso3166(language).gettext(getattr(country, "common_name", None) or country.name)


def french_or_english(english: str, french: str) -> str:
    """A record's own French name for a French reader, when it has one."""
    return french if french and (translation.get_language() or "en").startswith("fr") else english
