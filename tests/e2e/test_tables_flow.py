"""In the browser (issue 14, point 4): a long list is sortable by its column heads, filterable, paged,
and downloads as CSV with the filter and order shown (the BSN masked); at 390 px it still fits."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlmodel import Session

from provider_portal.models.enums import Role
from tests.e2e.helpers import assert_fits, download, shot
from tests.factories import make_learner, make_provider, make_user

# 14 learners, more than a page (the tests' PAGE_SIZE is 10); six of them on the Z-route in Zeist.
FAMILY = ("Abdi", "Berhane", "Celik", "Darwish", "Ebrahimi", "Farah", "Gebre", "Haddad", "Ismail",
          "Jama", "Karimi", "Lopez", "Mansour", "Noori")


@pytest.fixture()
def world(db: Session) -> dict:
    provider = make_provider(db)
    for n, family in enumerate(FAMILY):
        route, town = ("Z", "Zeist") if n % 2 else ("B1", "Utrecht")
        if n == 12:
            route, town = "Z", "Zeist"
        make_learner(db, provider, first_name="Sam", last_name=family, route=route, municipality=town,
                     postcode="3701AB" if town == "Zeist" else "3511AB", date_of_birth=date(1980 + n, 1, 1))
    return {"admin": make_user(db, provider, role=Role.PROVIDER_ADMIN)}


def _names(page) -> list[str]:
    cells = page.locator("#learner-list tbody td:first-child").all_inner_texts()
    return [name.split(",")[0] for name in cells]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_learner_list_sorts_filters_pages_and_downloads_what_it_shows(
    open_page, world, width
) -> None:
    page = open_page(world["admin"].email, width=width, accept_downloads=True)
    page.goto("/learners/")

    assert _names(page) == list(FAMILY[:10])  # by name, the first page of ten
    assert "Pagina 1 van 2 · 14 resultaten" in page.locator("nav.pager").inner_text()
    page.locator("nav.pager a[rel=next]").click()
    assert _names(page) == list(FAMILY[10:])

    head = page.locator("#learner-list thead th", has_text="Naam")
    head.locator("a.sort").click()  # the current column again: descending
    assert head.get_attribute("aria-sort") == "descending"
    assert _names(page) == list(reversed(FAMILY))[:10] and "page=" not in page.url  # back to page 1

    page.get_by_label("Route").select_option(label="Zelfredzaamheidsroute (Z-route)")
    page.get_by_role("button", name="Filteren").click()
    zeist = [f for n, f in enumerate(FAMILY) if n % 2 or n == 12]
    assert _names(page) == list(reversed(zeist))  # the filter keeps the order chosen
    assert "8 resultaten" in page.locator("nav.pager").inner_text()
    page.locator("#learner-list thead th", has_text="Geboren").or_(
        page.locator("#learner-list thead th", has_text="Termijn")).first.locator("a.sort").click()
    assert page.locator("#learner-list thead th[aria-sort]").count() == 1
    assert "route=Z" in page.url  # the sort keeps the filter

    name, content = download(page, page.locator("#learners-csv"))
    assert name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Achternaam", "Voornaam"]
    assert sorted(r[0] for r in rows[1:]) == sorted(zeist)  # the filtered list, every row, not one page
    assert [r[0] for r in rows[1:]] == _names(page)  # in the order shown
    assert all(r[3].startswith("•") or "*" in r[3] for r in rows[1:]), rows[1]  # BSN masked
    assert_fits(page)
    shot(page, f"learner-list-{width}", full_page=False)
