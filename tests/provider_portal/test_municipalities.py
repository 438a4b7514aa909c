"""The shipped list of Dutch municipalities (CBS, 1 January 2025)."""

from __future__ import annotations

import csv
from importlib import resources

from provider_portal.reference import municipalities as gm
from provider_portal.reference import places

CBS_COUNT_2025 = 342  # CBS: 342 municipalities on 1 January 2025


def _rows() -> list[dict[str, str]]:
    text = resources.files("provider_portal.reference").joinpath("municipalities.csv").read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def test_count_matches_cbs_for_the_list_date():
    assert gm.LIST_DATE.isoformat() == "2025-01-01"
    assert len(_rows()) == CBS_COUNT_2025
    assert len(gm.ALL) == CBS_COUNT_2025


def test_no_duplicate_codes_or_names():
    rows = _rows()
    codes = [r["code"] for r in rows]
    names = [r["name"] for r in rows]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert all(c.startswith("GM") and len(c) == 6 and c[2:].isdigit() for c in codes)
    assert all(r["province"] for r in rows)
    assert len({r["province"] for r in rows}) == 12


def test_known_codes():
    assert gm.BY_CODE["GM0363"].name == "Amsterdam"
    assert gm.BY_CODE["GM0599"].name == "Rotterdam"
    assert gm.BY_CODE["GM0518"].name == "'s-Gravenhage"
    assert gm.BY_CODE["GM0344"].name == "Utrecht"
    assert gm.BY_NAME["Nieuwegein"].code == "GM0356"
    assert gm.BY_NAME["Zeist"].province == "Utrecht"
    assert gm.BY_NAME["Voorne aan Zee"].code == "GM1992"  # formed 1 January 2023
    assert "Brielle" not in gm.BY_NAME  # merged into Voorne aan Zee
    assert "Weesp" not in gm.BY_NAME  # merged into Amsterdam in 2022


def test_resolve_accepts_cbs_name_alias_and_code_in_any_case():
    assert gm.resolve("zeist") == "Zeist"
    assert gm.resolve(" Den  Haag ") == "'s-Gravenhage"
    assert gm.resolve("gm0356") == "Nieuwegein"
    assert gm.resolve("Atlantis") is None
    assert gm.label("Zeist") == "Zeist (Utrecht)"


def test_every_place_with_coordinates_is_a_cbs_municipality():
    assert {m.name for m in places.MUNICIPALITIES} <= set(gm.BY_NAME)
