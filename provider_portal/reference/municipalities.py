"""Every Dutch municipality with its CBS code and province, from the shipped CBS list.

The data file and its source are described in `README.md` beside this module. The portal stores a
municipality by its CBS name (one spelling everywhere); `ALIASES` lets people type the name they use.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from importlib import resources

LIST_DATE = date(2025, 1, 1)


@dataclass(frozen=True, slots=True)
class Gemeente:
    code: str  # CBS code, e.g. GM0363
    name: str  # CBS name, e.g. Amsterdam
    province: str


def _load() -> tuple[Gemeente, ...]:
    text = resources.files(__package__).joinpath("municipalities.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(sorted((Gemeente(r["code"], r["name"], r["province"]) for r in rows),
                        key=lambda g: g.name.lstrip("'").casefold()))


ALL: tuple[Gemeente, ...] = _load()
BY_CODE: dict[str, Gemeente] = {g.code: g for g in ALL}
BY_NAME: dict[str, Gemeente] = {g.name: g for g in ALL}
# Names people type for a municipality whose CBS name differs.
ALIASES: dict[str, str] = {
    "Den Haag": "'s-Gravenhage",
    "The Hague": "'s-Gravenhage",
    "Rijswijk": "Rijswijk (ZH.)",
    "Hengelo": "Hengelo (O.)",
    "Nuenen": "Nuenen, Gerwen en Nederwetten",
}
_FOLDED = {g.name.casefold(): g.name for g in ALL} | {a.casefold(): n for a, n in ALIASES.items()}
_FOLDED |= {g.code.casefold(): g.name for g in ALL}


def resolve(text: str) -> str | None:
    """The CBS name for what someone typed (CBS name, alias or code, any case), else None."""
    return _FOLDED.get(" ".join(text.split()).casefold())


def label(name: str) -> str:
    """How a picker shows a municipality: name and province, e.g. "Zeist (Utrecht)"."""
    g = BY_NAME.get(name)
    return f"{name} ({g.province})" if g else name


def choices() -> list[tuple[str, str]]:
    """(value, label) pairs of every municipality, alphabetical."""
    return [(g.name, label(g.name)) for g in ALL]
