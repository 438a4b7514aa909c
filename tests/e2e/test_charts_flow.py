"""In the browser (issue 14, point 10): charts people read. Finance's quarter chart and a learner's
hours chart have a y axis with round ticks and its unit, a label under each bar, the value on each
bar and on hover (the bar's tooltip), and the same figures in a table beside them; at 390 px the
chart shrinks with the screen instead of widening the page."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlmodel import Session

from provider_portal.models.enums import Role
from tests.e2e.helpers import assert_fits, shot
from tests.factories import (
    make_user,
)
from tests.invoicing_factories import drafted_q1


@pytest.fixture()
def world(db: Session, frozen_now) -> dict:
    frozen_now(datetime(2026, 4, 2, 10, 0))
    provider, learner, lessons = drafted_q1(db)
    return {"finance": make_user(db, provider, role=Role.FINANCE),
            "admin": make_user(db, provider, role=Role.PROVIDER_ADMIN), "learner": learner,
            "hours": lessons * 3}


def _read_chart(figure) -> dict:
    svg = figure.locator("svg.chart")
    return {
        "unit": svg.locator("text.unit").text_content(),
        "ticks": svg.locator("text.tick").all_text_contents(),
        "categories": svg.locator("text.axis").all_text_contents(),
        "values": svg.locator("text.value").all_text_contents(),
        "hover": svg.locator("rect > title").all_text_contents(),
        "title": figure.locator("figcaption").inner_text(),
    }


def _table(figure) -> list[list[str]]:
    figure.locator("details.chart-data summary").click()  # the figures fold open beside the chart
    rows = figure.locator("table.chart-table tbody tr")
    return [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_quarter_chart_has_axes_units_values_and_its_table(open_page, world, width) -> None:
    page = open_page(world["finance"].email, width=width)
    page.goto("/invoicing/?quarter=2026-Q1")
    figure = page.locator("figure.chart-figure").filter(has=page.locator("#quarter-chart"))
    chart = _read_chart(figure)
    assert chart["unit"] == "€"
    assert chart["ticks"][0] == "0" and len(chart["ticks"]) >= 3  # a y axis from 0 with round steps
    steps = [int(t.replace(".", "")) for t in chart["ticks"]]
    assert len({b - a for a, b in zip(steps, steps[1:], strict=False)}) == 1  # evenly spaced
    assert "2026-Q1" in chart["categories"]
    assert chart["values"], "no value on the bars"
    concept = [t for t in chart["hover"] if t.startswith("2026-Q1, Concept: ")]
    assert len(concept) == 1 and "€" in concept[0]  # the hover names quarter, series and amount
    rows = _table(figure)
    q1 = next(r for r in rows if r[0] == "2026-Q1")
    assert concept[0].endswith(q1[2])  # the table holds the same amount as the bar's tooltip
    assert re.fullmatch(r"€\s?[\d.]+,\d\d", q1[2].replace("\xa0", " "))
    box = figure.locator("svg.chart").bounding_box()
    assert box["width"] <= width
    unit = figure.locator("svg.chart text.unit").bounding_box()
    assert unit["x"] >= box["x"] and unit["width"] > 0  # the unit is shown whole, not cut off at the left
    assert_fits(page)
    shot(page, f"chart-quarters-{width}", part=figure)


def test_a_learners_hours_chart_has_months_hours_and_the_same_table(open_page, world) -> None:
    page = open_page(world["admin"].email)
    page.goto(f"/learners/{world['learner'].id}")
    figure = page.locator("figure.chart-figure").first
    chart = _read_chart(figure)
    assert chart["unit"] == "uren"
    assert chart["ticks"][0] == "0" and len(chart["ticks"]) >= 3
    assert all(re.fullmatch(r"\d\d-\d\d", c) for c in chart["categories"])  # months as MM-YY
    assert len(chart["values"]) == len(chart["categories"])  # every month's bar carries its value
    rows = _table(figure)
    assert [r[0] for r in rows] == chart["categories"]
    total = sum(float(r[1].replace(".", "").replace(",", ".")) for r in rows)
    assert total == world["hours"]  # the table's hours add up to the lessons attended
    for category, hover in zip(chart["categories"], chart["hover"], strict=True):
        assert hover.startswith(f"{category}, Uren: ")
