"""The type-ahead learner search: at most 20 matches that tell people apart, tenancy, no BSN in a URL;
the enrolment picker's no-JavaScript list filtered by the same search."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlmodel import Session

from provider_portal.models.enums import Role
from tests.factories import make_class, make_enrolment, make_learner, make_provider, make_user
from tests.web import csrf_token, login, text

BSN = "111222333"  # passes the elfproef


@pytest.fixture()
def world(db: Session) -> dict:
    provider = make_provider(db)
    other_provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    course = make_class(db, provider, teachers=(teacher,))
    twins = [make_learner(db, provider, first_name="Hiba", last_name="Darwish", municipality=town,
                          date_of_birth=born) for town, born in (("Utrecht", date(1990, 4, 1)),
                                                                 ("Zeist", date(1985, 7, 9)))]
    target = make_learner(db, provider, first_name="Samir", last_name="Haddad", bsn=BSN)
    many = [make_learner(db, provider, first_name=f"Noor{n}", last_name="Ahmadi") for n in range(25)]
    make_learner(db, other_provider, first_name="Hiba", last_name="Darwish")  # another provider's
    make_enrolment(db, course, twins[0])
    return {"admin": make_user(db, provider), "teacher": teacher, "course": course, "twins": twins,
            "target": target, "many": many}


def _search(client, query: str):
    token = csrf_token(client, "/learners/")
    return client.post("/learners/search", data={"q": query, "csrf_token": token})


def test_matches_tell_people_apart_and_stop_at_twenty(client, world) -> None:
    login(client, world["admin"].email)
    results = _search(client, "darwish").get_json()["results"]
    assert [(r["name"], r["municipality"]) for r in results] == [("Darwish, Hiba", "Utrecht"),
                                                                ("Darwish, Hiba", "Zeist")]
    assert {r["born"] for r in results} == {"1 apr 1990", "9 jul 1985"}
    assert all(r["bsn"].startswith("••••••\u00a0") and len(r["bsn"]) == 10 for r in results)
    assert len(_search(client, "ahmadi").get_json()["results"]) == 20
    assert _search(client, "d").get_json()["results"] == []  # fewer than 2 characters


def test_a_full_bsn_is_found_in_the_body_and_never_shown_or_logged(client, world, caplog) -> None:
    login(client, world["admin"].email)
    with caplog.at_level(logging.DEBUG):
        response = _search(client, BSN)
    assert [r["id"] for r in response.get_json()["results"]] == [world["target"].id]
    assert BSN not in text(response) and BSN not in caplog.text
    in_url = client.post(f"/learners/search?q={BSN}", data={"csrf_token": csrf_token(client, "/learners/")})
    assert in_url.status_code == 400
    assert client.get("/learners/search?q=darwish").status_code == 405


def test_a_teacher_finds_only_the_learners_of_their_classes(client, world) -> None:
    login(client, world["teacher"].email)
    results = _search(client, "darwish").get_json()["results"]
    assert [r["id"] for r in results] == [world["twins"][0].id]
    assert _search(client, BSN).get_json()["results"] == []


def test_the_search_needs_the_form_token(client, world) -> None:
    login(client, world["admin"].email)
    assert client.post("/learners/search", data={"q": "darwish"}).status_code == 400


def test_the_enrol_list_without_javascript_is_filtered_and_tells_twins_apart(client, world) -> None:
    login(client, world["admin"].email)
    page = text(client.get(f"/classes/{world['course'].id}?learner_q=darwish"))
    options = page[page.index('name="learner_id"'):page.index("</select>", page.index('name="learner_id"'))]
    assert "Darwish, Hiba · 9 jul 1985 · ••••••\u00a0" in options and "Zeist" in options
    assert "Utrecht" not in options  # already enrolled: not offered again
    assert "Ahmadi" not in options and "data-learner-picker" in page


def test_the_learner_list_sorts_filters_pages_and_exports(app, client, world) -> None:
    import csv
    import io
    login(client, world["admin"].email)
    app.config["PAGE_SIZE"] = 10
    first = text(client.get("/learners/?q=ahmadi&sort=name&dir=desc"))
    rows = first[first.index('id="learner-list"'):]
    assert rows.index("Ahmadi, Noor9") < rows.index("Ahmadi, Noor8")  # descending by name
    assert 'aria-sort="descending"' in first and "Pagina 1 van 3" in first
    assert "sort=name" in first[first.index('rel="next"') - 200:first.index('rel="next"')]  # paging keeps it
    by_town = text(client.get("/learners/?sort=municipality&dir=desc"))
    listed = by_town[by_town.index('id="learner-list"'):]
    assert listed.index("Zeist") < listed.index("Utrecht")  # the one in Zeist first, from 28 learners
    export = client.get("/learners/?q=darwish&sort=municipality&dir=desc&format=csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(export.get_data(as_text=True)), delimiter=";"))
    assert table[0][:4] == ["Achternaam", "Voornaam", "Geboortedatum", "BSN"]
    assert [(r[0], r[5]) for r in table[1:]] == [("Darwish", "Zeist"), ("Darwish", "Utrecht")]
    assert all(r[3].startswith("******") for r in table[1:])  # masked, as in the list
    assert len(list(csv.reader(io.StringIO(client.get("/learners/?q=ahmadi&format=csv")
                                           .get_data(as_text=True)), delimiter=";"))) == 1 + 25


def test_the_class_list_filters_sorts_pages_and_exports(app, client, db, world, frozen_now) -> None:
    import csv
    import io
    from datetime import datetime

    from provider_portal.clock import AMSTERDAM
    frozen_now(datetime(2026, 2, 2, 10, 0, tzinfo=AMSTERDAM))
    provider = world["course"].provider_id
    from provider_portal.models import Provider
    owner = db.get(Provider, provider)
    make_class(db, owner, name="Zeist avond", location="Slotlaan 1, Zeist",
               start_date=date(2026, 4, 6), end_date=date(2026, 6, 26))
    make_class(db, owner, name="Oud najaar", start_date=date(2025, 9, 1), end_date=date(2025, 12, 19))
    login(client, world["admin"].email)
    upcoming = text(client.get("/classes/?state=upcoming"))
    assert "Zeist avond" in upcoming and "Oud najaar" not in upcoming and world["course"].name not in upcoming
    assert "Zeist avond" in text(client.get("/classes/?q=slotlaan"))
    by_name = text(client.get("/classes/?sort=name&dir=desc"))
    listed = by_name[by_name.index('id="class-list"'):]
    assert listed.index("Zeist avond") < listed.index("Oud najaar") < listed.index(world["course"].name)
    app.config["PAGE_SIZE"] = 2
    assert "Pagina 1 van 2" in text(client.get("/classes/"))
    assert client.get("/classes/?page=3").status_code == 404
    export = client.get("/classes/?state=ended&format=csv")
    table = list(csv.reader(io.StringIO(export.get_data(as_text=True)), delimiter=";"))
    assert export.mimetype == "text/csv" and [r[0] for r in table[1:]] == ["Oud najaar"]
    assert table[0][:3] == ["Naam", "Niveau", "Locatie"]


def test_the_invoice_list_filters_sorts_and_exports(client, db, world) -> None:
    import csv
    import io

    from provider_portal.models import Invoice, Provider
    from tests.factories import make_contract
    finance = make_user(db, db.get(Provider, world["course"].provider_id), role=Role.FINANCE)
    for person, cents, status, number in ((world["twins"][0], 12_500, "issued", "2026-0001"),
                                          (world["twins"][1], 99_000, "draft", None),
                                          (world["target"], 45_000, "paid", "2026-0002")):
        contract = make_contract(db, person)
        db.add(Invoice(provider_id=person.provider_id, learner_id=person.id, contract_id=contract.id,
                       quarter="2026-Q1", status=status, total_cents=cents, number=number,
                       learner_name=person.full_name, slot=True))
    db.commit()
    login(client, finance.email)
    page = text(client.get("/invoicing/invoices?quarter=2026-Q1&sort=amount&dir=desc"))
    listed = page[page.index('id="invoice-list"'):]
    assert listed.index("990,00") < listed.index("450,00") < listed.index("125,00")
    assert 'aria-sort="descending"' in page
    only = text(client.get("/invoicing/invoices?quarter=2026-Q1&q=haddad"))
    assert "Samir Haddad" in only and "Hiba Darwish" not in only
    export = client.get("/invoicing/invoices?quarter=2026-Q1&status=paid&format=csv")
    table = list(csv.reader(io.StringIO(export.get_data(as_text=True)), delimiter=";"))
    assert export.mimetype == "text/csv" and table[0][:2] == ["Nummer", "Inburgeraar"]
    assert table[1:] == [["2026-0002", "Samir Haddad", "Factuur", "450.00", "Betaald", ""]]


def test_the_jobs_list_filters_by_status_and_kind_and_exports_in_words(client, db, world) -> None:
    import csv
    import io
    from datetime import UTC, datetime

    from provider_portal.models import Job
    admin = world["admin"]
    for n, (kind, status) in enumerate((("housekeeping", "succeeded"), ("planning.run", "failed"),
                                        ("housekeeping", "queued"))):
        db.add(Job(kind=kind, status=status, provider_id=admin.provider_id, created_by_id=admin.id,
                   created_at=datetime(2026, 3, 1, 9, n, tzinfo=UTC)))
    db.commit()
    login(client, admin.email)
    page = text(client.get("/jobs/?kind=housekeeping&status=queued"))
    assert page.count('class="badge status-queued"') == 1 and "status-succeeded" not in page
    export = client.get("/jobs/?kind=housekeeping&dir=asc&format=csv")
    table = list(csv.reader(io.StringIO(export.get_data(as_text=True)), delimiter=";"))
    assert [row[3] for row in table[1:]] == ["Gelukt", "In de wachtrij"]  # oldest first, in words
    assert all("housekeeping" not in cell for row in table for cell in row)
    assert client.get("/jobs/?status=bogus").status_code == 200  # an unknown filter is ignored
