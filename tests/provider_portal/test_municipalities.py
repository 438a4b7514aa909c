"""The shipped list of Dutch municipalities (CBS, 1 January 2025)."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from provider_portal.models.enums import Role
from provider_portal.planning.runs import RunError, start_run
from provider_portal.reference import municipalities as gm
from provider_portal.reference import places
from tests.factories import make_user

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


def test_centres_cover_the_utrecht_region_and_lie_in_the_netherlands():
    for name in ("Utrecht", "Nieuwegein", "Zeist", "Houten", "'s-Gravenhage", "Bergen (L.)"):
        lat, lon = places.centre_of(name)
        assert 50.7 < lat < 53.6 and 3.3 < lon < 7.3, name
    # two municipalities called Bergen, 150 km apart: each has its own centre
    assert places.centre_of("Bergen (NH.)")[0] > 52.5 > places.centre_of("Bergen (L.)")[0]
    assert set(places.CENTRES) <= set(gm.BY_NAME)
    assert len(places.CENTRES) >= 281


def test_a_run_for_a_municipality_without_a_centre_is_refused_by_name(db):
    assert places.centre_of("Eemsdelta") is None
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Eemsdelta",))
    with pytest.raises(RunError) as refused:
        start_run(db, planner, ("Eemsdelta",), 10, gm.LIST_DATE)
    assert refused.value.field == "municipalities" and "Eemsdelta" in str(refused.value.message)
