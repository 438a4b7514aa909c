"""Where learners live: places of residence and municipality centres, for planning's travel.

`home_of` gives a learner's home: their place of residence (`places.csv`, GeoNames places with their
CBS municipality, see README.md) when its name is listed under their municipality, else the
municipality's centre. `MUNICIPALITIES` holds hand-checked centres and the postcode ranges the demo
data draws from; `centre_of` falls back to `municipality_centres.csv` for the other municipalities
of the CBS list. A municipality with neither has no centre: planning says so.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Municipality:
    name: str
    lat: float
    lon: float
    postcode_from: int
    postcode_to: int


MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality("Amsterdam", 52.3728, 4.8936, 1011, 1109),
    Municipality("Rotterdam", 51.9225, 4.4792, 3011, 3089),
    Municipality("'s-Gravenhage", 52.0705, 4.3007, 2491, 2599),
    Municipality("Utrecht", 52.0907, 5.1214, 3511, 3585),
    Municipality("Eindhoven", 51.4416, 5.4697, 5611, 5658),
    Municipality("Groningen", 53.2194, 6.5665, 9711, 9747),
    Municipality("Tilburg", 51.5555, 5.0913, 5011, 5049),
    Municipality("Almere", 52.3508, 5.2647, 1311, 1363),
    Municipality("Breda", 51.5719, 4.7683, 4811, 4839),
    Municipality("Nijmegen", 51.8126, 5.8372, 6511, 6546),
    Municipality("Apeldoorn", 52.2112, 5.9699, 7311, 7339),
    Municipality("Haarlem", 52.3874, 4.6462, 2011, 2037),
    Municipality("Arnhem", 51.9851, 5.8987, 6811, 6846),
    Municipality("Enschede", 52.2215, 6.8937, 7511, 7548),
    Municipality("Amersfoort", 52.1561, 5.3878, 3811, 3829),
    Municipality("Zaanstad", 52.4420, 4.8292, 1501, 1509),
    Municipality("Zwolle", 52.5168, 6.0830, 8011, 8043),
    Municipality("Leiden", 52.1601, 4.4970, 2311, 2334),
    Municipality("Zoetermeer", 52.0575, 4.4931, 2711, 2729),
    Municipality("Dordrecht", 51.8133, 4.6901, 3311, 3329),
    Municipality("Maastricht", 50.8514, 5.6910, 6211, 6229),
    Municipality("Ede", 52.0402, 5.6649, 6711, 6718),
    Municipality("Leeuwarden", 53.2012, 5.7999, 8911, 8941),
    Municipality("Alkmaar", 52.6324, 4.7534, 1811, 1827),
    Municipality("Delft", 52.0116, 4.3571, 2611, 2629),
    Municipality("Deventer", 52.2551, 6.1639, 7411, 7429),
    Municipality("Hilversum", 52.2292, 5.1669, 1211, 1223),
    Municipality("Amstelveen", 52.3114, 4.8701, 1181, 1189),
    Municipality("Rijswijk (ZH.)", 52.0363, 4.3252, 2281, 2289),
    Municipality("Helmond", 51.4793, 5.6570, 5701, 5709),
)

BY_NAME = {m.name: m for m in MUNICIPALITIES}


def _centres() -> dict[str, tuple[float, float]]:
    text = resources.files(__package__).joinpath("municipality_centres.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["name"]: (float(r["lat"]), float(r["lon"])) for r in rows}


CENTRES: dict[str, tuple[float, float]] = _centres() | {m.name: (m.lat, m.lon) for m in MUNICIPALITIES}


def centre_of(municipality: str) -> tuple[float, float] | None:
    """(lat, lon) of the municipality's centre, or None when the portal has none for it."""
    return CENTRES.get(municipality)


@dataclass(frozen=True, slots=True)
class Place:
    """A place of residence (woonplaats) in a CBS municipality."""

    name: str
    municipality: str
    lat: float
    lon: float


def fold(text: str) -> str:
    """How place names are compared: case, diacritics, hyphens and spacing aside."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").casefold().split())


@cache
def places() -> dict[str, dict[str, Place]]:
    """Every place of `places.csv`, by municipality (CBS name) and folded place name."""
    text = resources.files(__package__).joinpath("places.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    found: dict[str, dict[str, Place]] = {}
    for r in rows:
        found.setdefault(r["municipality"], {})[fold(r["place"])] = Place(
            r["place"], r["municipality"], float(r["lat"]), float(r["lon"]))
    return found


def place_in(municipality: str, place: str) -> Place | None:
    """The place of this name in this municipality (any case or diacritics), else None."""
    return places().get(municipality, {}).get(fold(place)) if place.strip() else None


def places_in(municipality: str) -> list[Place]:
    """The municipality's places, alphabetical."""
    return sorted(places().get(municipality, {}).values(), key=lambda p: fold(p.name))


class HomeLevel(StrEnum):
    """How precisely a learner's home is known to planning."""

    PLACE = "place"  # their place of residence
    MUNICIPALITY = "municipality"  # their municipality's centre (no place, or one not listed)


def home_of(municipality: str, place: str) -> tuple[tuple[float, float], HomeLevel] | None:
    """Where a learner of this municipality and place lives, and how precisely; None when neither
    the place nor the municipality's centre is known."""
    found = place_in(municipality, place)
    if found is not None:
        return (found.lat, found.lon), HomeLevel.PLACE
    centre = centre_of(municipality)
    return (centre, HomeLevel.MUNICIPALITY) if centre is not None else None

# Languages learners speak and cohorts teach in (ISO 639 codes; Dari is ISO 639-3 `prs`).
LANGUAGES: dict[str, str] = {
    "nl": "Nederlands",
    "en": "Engels",
    "ar": "Arabisch",
    "ti": "Tigrinya",
    "prs": "Dari",
    "fa": "Farsi",
    "tr": "Turks",
    "uk": "Oekraïens",
    "ru": "Russisch",
    "so": "Somalisch",
    "ku": "Koerdisch",
    "am": "Amhaars",
    "fr": "Frans",
    "es": "Spaans",
    "pl": "Pools",
}
