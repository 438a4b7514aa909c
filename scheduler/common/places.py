"""Real Dutch places of residence for the generators: `reference/places.csv` read as a data file.

The file is the portal's reference table (1,961 GeoNames places with their CBS municipality and
coordinates, see `provider_portal/reference/README.md`). The cores only *read* it as data; they
import nothing of the portal. Where a learner lives follows the demo's rule: about half in the
municipality's main place, the rest spread over its other places (the file has no populations).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scheduler.common.geo import Point

PLACES_CSV = Path(__file__).resolve().parents[2] / "provider_portal" / "reference" / "places.csv"

# The main place where it is not the place of the municipality's own name.
MAIN_PLACE = {"'s-Gravenhage": "Den Haag", "Haarlemmermeer": "Hoofddorp", "Almere": "Almere Stad",
              "Zaanstad": "Zaandam", "Nissewaard": "Spijkenisse", "Smallingerland": "Drachten",
              "Dijk en Waard": "Heerhugowaard", "Sittard-Geleen": "Sittard", "Geldrop-Mierlo": "Geldrop",
              "Rijswijk (ZH.)": "Rijswijk", "Hengelo (O.)": "Hengelo", "Westland": "Naaldwijk"}
MAIN_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Residence:
    """A real place (woonplaats) in a CBS municipality."""

    name: str
    municipality: str
    point: Point


@cache
def places_by_municipality() -> dict[str, tuple[Residence, ...]]:
    """Every place of `places.csv` per CBS municipality name, in file order."""
    if not PLACES_CSV.is_file():
        raise FileNotFoundError(f"{PLACES_CSV}: the reference table of places is missing")
    out: dict[str, list[Residence]] = {}
    with PLACES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            out.setdefault(row["municipality"], []).append(Residence(
                row["place"], row["municipality"], Point(float(row["lat"]), float(row["lon"]))))
    return {m: tuple(p) for m, p in out.items()}


def places_in(municipality: str) -> tuple[Residence, ...]:
    """The municipality's places; a name `places.csv` does not know is a programming error."""
    found = places_by_municipality().get(municipality)
    if not found:
        raise KeyError(f"{municipality!r}: no place of that CBS municipality in {PLACES_CSV.name}")
    return found


def main_place(municipality: str) -> Residence:
    """The municipality's main place: the one of its own name, or the one `MAIN_PLACE` names."""
    towns = places_in(municipality)
    wanted = MAIN_PLACE.get(municipality, municipality)
    return next((p for p in towns if p.name == wanted), towns[0])


def residence(rng: random.Random, municipality: str) -> Residence:
    """A place of residence in the municipality: the main place for about half, another for the rest."""
    towns = places_in(municipality)
    main = main_place(municipality)
    others = [p for p in towns if p != main]
    if not others or rng.random() < MAIN_SHARE:
        return main
    return rng.choice(others)
