"""A learner's name is text in every finance export: no PDF markup, no spreadsheet formula."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from provider_portal.invoicing import lifecycle
from provider_portal.models.enums import Role
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider, make_user
from tests.invoicing_factories import AFTER_Q1, attend_all, make_draft
from tests.pdfs import FORMULA_NAME, MARKUP_FIRST, MARKUP_LAST, MARKUP_NAME, pdf_text, uri_links
from tests.web import login


@pytest.fixture()
def office(db: Session) -> dict:
    provider = make_provider(db)
    course = make_class(db, provider)
    markup = make_learner(db, provider, first_name=MARKUP_FIRST, last_name=MARKUP_LAST)
    formula = make_learner(db, provider, first_name=FORMULA_NAME, last_name="-1")
    for learner in (markup, formula):
        make_contract(db, learner)
        make_enrolment(db, course, learner)
        attend_all(db, course, learner)
    finance = make_user(db, provider, role=Role.FINANCE)
    return {"provider": provider, "markup": markup, "formula": formula, "finance": finance}


def test_an_invoice_for_a_name_written_as_markup_prints_the_name_and_no_link(client, db, office) -> None:
    learner = office["markup"]
    invoice = lifecycle.issue(db, make_draft(db, learner, make_contract(db, learner)), AFTER_Q1)
    db.commit()
    login(client, office["finance"].email)
    response = client.get(f"/invoicing/invoices/{invoice.id}/invoice.pdf")
    assert response.status_code == 200
    assert MARKUP_NAME in pdf_text(response.data) and uri_links(response.data) == []


def test_the_quarter_overview_writes_a_name_written_as_a_formula_as_text(client, office) -> None:
    login(client, office["finance"].email)
    response = client.get("/invoicing/overview.xlsx?quarter=2026-Q1")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    named = [row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == f"{FORMULA_NAME} -1"]
    assert len(named) == 1 and named[0].data_type == "s"
    assert all(row[2].data_type == "n" for row in sheet.iter_rows(min_row=2))  # amounts stay numbers
