"""Other providers' invoices take cap room; rejected invoices corrected by a credit note free it at once."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.invoicing import lifecycle, others
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.invoicing.inputs import build_inputs
from provider_portal.invoicing.overview import figures_by_quarter
from provider_portal.models import CapSetting, Invoice, InvoiceLine, OtherProviderInvoice
from provider_portal.models.enums import Role
from provider_portal.models.invoicing import InvoiceStatus
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider, make_user
from tests.invoicing_factories import AFTER_Q1, attend_all, make_other_invoice
from tests.web import csrf_token, login, submit, text

Q1, Q3 = Quarter(2026, 1), Quarter(2026, 3)
AFTER_Q3 = date(2026, 10, 1)


@pytest.fixture()
def summer(db: Session) -> dict:
    """A learner who attended every lesson of a 2026-Q3 class: EUR 1044 delivered, cap EUR 1250."""
    provider = make_provider(db)
    course = make_class(db, provider, start_date=date(2026, 7, 6), end_date=date(2026, 9, 25))
    learner = make_learner(db, provider, first_name="Amina")
    make_contract(db, learner, hourly_rate_cents=1450, total_price_cents=870_000)
    make_enrolment(db, course, learner)
    attend_all(db, course, learner)
    return {"provider": provider, "learner": learner, "finance": make_user(db, provider, role=Role.FINANCE)}


def _current(db: Session, quarter: str) -> Invoice | None:
    db.expire_all()
    return db.execute(
        sa.select(Invoice).where(Invoice.quarter == quarter, Invoice.slot.is_(True))
    ).scalar_one_or_none()


def _record(db: Session, learner, quarter: str, cents: int) -> OtherProviderInvoice:  # type: ignore[no-untyped-def]
    return others.add_entry(
        db, learner, quarter=Quarter.parse(quarter), amount_cents=cents, other_provider="BOW-99999"
    )


# --- the service -------------------------------------------------------------------------------


def test_eur_1000_invoiced_elsewhere_in_q3_leaves_at_most_eur_250_under_the_cap(db, summer) -> None:
    _record(db, summer["learner"], "2026-Q3", 100_000)
    make_drafts(db, summer["provider"], Q3, AFTER_Q3)
    db.commit()  # the caller's unit of work
    draft = _current(db, "2026-Q3")
    assert draft is not None and draft.total_cents == 25_000
    assert [flag["kind"] for flag in draft.flags] == ["cap_room_used_by_other_providers"]
    assert "other providers invoiced EUR 1000.00" in draft.flags[0]["message"]
    held = db.execute(
        sa.select(InvoiceLine).where(
            InvoiceLine.invoice_id == draft.id, InvoiceLine.kind == "held_back_by_cap"
        )
    ).scalar_one()
    assert "minus EUR 1000.00 invoiced by other providers" in held.explanation


def test_other_quarters_and_paid_credit_notes_of_the_other_provider_count_where_they_belong(
    db, summer
) -> None:
    _record(db, summer["learner"], "2026-Q2", 125_000)  # a full Q2 elsewhere: no room taken in Q3
    _record(db, summer["learner"], "2026-Q3", 100_000)
    _record(db, summer["learner"], "2026-Q3", -40_000)  # its credit note, paid in Q3
    (learner,) = build_inputs(db, summer["provider"], Q3).learners
    assert [(str(a.quarter), a.amount_cents) for a in learner.invoiced_by_others] == [
        ("2026-Q2", 125_000), ("2026-Q3", 100_000), ("2026-Q3", -40_000)
    ]
    make_drafts(db, summer["provider"], Q3, AFTER_Q3)
    db.commit()  # the caller's unit of work
    assert _current(db, "2026-Q3").total_cents == 125_000 - 100_000 + 40_000  # type: ignore[union-attr]


def test_a_credit_note_of_the_other_provider_before_any_invoice_is_refused_and_stores_nothing(
    db, summer
) -> None:
    with pytest.raises(others.EntryError) as refused:
        _record(db, summer["learner"], "2026-Q3", -40_000)
    assert refused.value.field == "amount" and "2026-Q3" in str(refused.value.message)
    assert db.execute(sa.select(sa.func.count()).select_from(OtherProviderInvoice)).scalar() == 0


@pytest.mark.parametrize(
    ("raw", "cents"),
    [("1000", 100_000), ("1000,50", 100_050), ("1000.5", 100_050), ("-250,00", -25_000), ("€ 0,01", 1),
     ("1.000,00", 100_000), ("€ 1.250,50", 125_050), ("EUR 12", 1_200)],
)
def test_euro_amounts_become_exact_cents(raw: str, cents: int) -> None:
    assert others.parse_amount_cents(raw) == cents


@pytest.mark.parametrize(
    "raw", ["", "abc", "1.000", "12,345", "0", "0,00", "1e3", "100000,01", "1,2,3", "nan"])
def test_bad_euro_amounts_are_refused_naming_the_amount(raw: str) -> None:
    with pytest.raises(others.EntryError) as refused:
        others.parse_amount_cents(raw)
    assert refused.value.field == "amount" and str(refused.value).startswith("amount: ")
    assert str(refused.value.message).startswith("Amount: ")  # the reader's message names its field


# --- the pages ---------------------------------------------------------------------------------


def test_finance_records_an_other_providers_invoice_and_the_overview_shows_it(
    client, db, summer, frozen_now
) -> None:
    frozen_now(datetime(2026, 10, 2, 10, 0))
    login(client, summer["finance"].email)
    page = f"/invoicing/learners/{summer['learner'].id}"
    data = {"quarter": "2026-Q3", "amount": "1000,00", "other_provider": "BOW-99999",
            "note": "Mijn Inburgering overview"}
    response = submit(client, page, data, f"{page}/other-invoices")
    assert response.status_code == 302 and response.headers["Location"] == page
    entry = db.execute(sa.select(OtherProviderInvoice)).scalar_one()
    assert (entry.quarter, entry.amount_cents, entry.other_provider, entry.note) == (
        "2026-Q3", 100_000, "BOW-99999", "Mijn Inburgering overview"
    )
    assert entry.recorded_by_id == summer["finance"].id and entry.provider_id == summer["provider"].id
    history = text(client.get(page))
    assert f'id="other-invoice-{entry.id}"' in history and "BOW-99999" in history
    overview = text(client.get("/invoicing/?quarter=2026-Q3"))
    assert "other providers invoiced EUR 1000.00" in overview
    assert re.search(r'id="total-invoiceable">[^<]*250,00', overview)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quarter": "2026-3", "amount": "1000", "other_provider": "X"}, "quarter"),
        ({"quarter": "2026-Q3", "amount": "12,345", "other_provider": "X"}, "amount"),
        ({"quarter": "2026-Q3", "amount": "1.000", "other_provider": "X"}, "amount"),
        ({"quarter": "2026-Q3", "amount": "1000", "other_provider": "  "}, "other_provider"),
        ({"quarter": "2026-Q3", "amount": "-10", "other_provider": "X"}, "amount"),  # credit, no invoice
    ],
)
def test_bad_input_shows_the_fields_error_and_stores_nothing(client, db, summer, data, field) -> None:
    login(client, summer["finance"].email)
    page = f"/invoicing/learners/{summer['learner'].id}"
    response = submit(client, page, data, f"{page}/other-invoices")
    assert response.status_code == 400
    assert f'id="{field}-error"' in text(response)
    assert db.execute(sa.select(sa.func.count()).select_from(OtherProviderInvoice)).scalar() == 0


def test_finance_deletes_an_entry(client, db, summer) -> None:
    entry = make_other_invoice(db, summer["learner"], "2026-Q3")
    login(client, summer["finance"].email)
    page = f"/invoicing/learners/{summer['learner'].id}"
    response = submit(client, page, {}, f"/invoicing/other-invoices/{entry.id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == page
    assert db.execute(sa.select(OtherProviderInvoice)).first() is None


def test_another_providers_user_gets_404_and_changes_nothing(client, db, summer) -> None:
    entry = make_other_invoice(db, summer["learner"], "2026-Q3")
    stranger = make_user(db, make_provider(db, name="Elders"), role=Role.FINANCE)
    login(client, stranger.email)
    token = csrf_token(client, "/account/password")
    learner_id = summer["learner"].id
    assert client.get(f"/invoicing/learners/{learner_id}").status_code == 404
    add = {"quarter": "2026-Q3", "amount": "5", "other_provider": "X", "csrf_token": token}
    assert client.post(f"/invoicing/learners/{learner_id}/other-invoices", data=add).status_code == 404
    delete = client.post(f"/invoicing/other-invoices/{entry.id}/delete", data={"csrf_token": token})
    assert delete.status_code == 404
    db.expire_all()
    assert [e.id for e in db.execute(sa.select(OtherProviderInvoice)).scalars()] == [entry.id]


# --- rejected invoices ---------------------------------------------------------------------------


@pytest.fixture()
def winter(db: Session) -> dict:
    """Cap EUR 500: a 2026-Q1 invoice bills 500 of the 1044 delivered and is issued."""
    provider = make_provider(db)
    course = make_class(db, provider)
    learner = make_learner(db, provider, first_name="Amina")
    make_contract(db, learner, hourly_rate_cents=1450, total_price_cents=870_000)
    make_enrolment(db, course, learner)
    attend_all(db, course, learner)
    db.add(CapSetting(amount_cents=50_000, effective_from="2026-Q1"))
    db.commit()
    make_drafts(db, provider, Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    invoice = lifecycle.issue(db, _current(db, "2026-Q1"), AFTER_Q1)  # type: ignore[arg-type]
    db.commit()
    return {"provider": provider, "learner": learner, "invoice": invoice}


def _reject_and_credit(db: Session, invoice: Invoice) -> Invoice:
    lifecycle.change_status(db, invoice, InvoiceStatus.SUBMITTED)
    db.commit()
    lifecycle.change_status(db, invoice, InvoiceStatus.REJECTED, reason="learner: wrong hours")
    db.commit()
    note = lifecycle.credit(db, invoice, "rejected by the learner", date(2026, 4, 9))
    db.commit()
    return note


def test_a_rejected_invoice_still_counts_until_a_credit_note_corrects_it(db, winter) -> None:
    lifecycle.change_status(db, winter["invoice"], InvoiceStatus.SUBMITTED)
    db.commit()
    lifecycle.change_status(db, winter["invoice"], InvoiceStatus.REJECTED, reason="wrong hours")
    db.commit()
    (learner,) = build_inputs(db, winter["provider"], Q1).learners
    assert [a.amount_cents for a in learner.invoiced] == [50_000]


def test_a_credit_note_of_a_rejected_invoice_frees_its_quarter_at_once(db, winter) -> None:
    note = _reject_and_credit(db, winter["invoice"])
    assert note.status == InvoiceStatus.ISSUED  # never paid: DUO paid nothing to pay back
    (learner,) = build_inputs(db, winter["provider"], Q1).learners
    assert learner.invoiced == () and learner.loan_remaining_cents == winter["learner"].loan_amount_cents
    run = make_drafts(db, winter["provider"], Q1, date(2026, 4, 10))
    db.commit()  # the caller's unit of work
    assert run.created == 1 and _current(db, "2026-Q1").total_cents == 50_000  # type: ignore[union-attr]


def test_paying_the_credit_note_of_a_rejected_invoice_frees_nothing_twice(db, winter) -> None:
    note = _reject_and_credit(db, winter["invoice"])
    lifecycle.change_status(db, note, InvoiceStatus.SUBMITTED)
    db.commit()
    lifecycle.change_status(db, note, InvoiceStatus.PAID, on=date(2026, 5, 20))
    db.commit()
    (learner,) = build_inputs(db, winter["provider"], Quarter(2026, 2)).learners
    assert learner.invoiced == ()
    make_drafts(db, winter["provider"], Quarter(2026, 2), date(2026, 7, 1))
    db.commit()  # the caller's unit of work
    assert _current(db, "2026-Q2").total_cents == 50_000  # type: ignore[union-attr]  # the cap only


def test_the_chart_nets_paid_credit_notes_in_their_quarter_and_drops_rejected_corrections(db, winter) -> None:
    provider_id = winter["provider"].id
    assert [(f.quarter, f.issued) for f in figures_by_quarter(db, provider_id)] == [("2026-Q1", 50_000)]
    note = lifecycle.credit(db, winter["invoice"], "rate was wrong", date(2026, 4, 9))
    db.commit()
    lifecycle.change_status(db, note, InvoiceStatus.SUBMITTED)
    db.commit()
    lifecycle.change_status(db, note, InvoiceStatus.PAID, on=date(2026, 5, 20))
    db.commit()
    figures = [(f.quarter, f.issued) for f in figures_by_quarter(db, provider_id)]
    assert figures == [("2026-Q1", 50_000), ("2026-Q2", -50_000)]


def test_the_chart_leaves_out_a_rejected_invoice_once_credited(db, winter) -> None:
    _reject_and_credit(db, winter["invoice"])
    assert [f.issued for f in figures_by_quarter(db, winter["provider"].id)] == []


def test_the_credit_notes_page_says_a_rejected_invoices_room_is_free_at_once(client, db, winter) -> None:
    note = _reject_and_credit(db, winter["invoice"])
    login(client, make_user(db, winter["provider"], role=Role.FINANCE).email)
    page = text(client.get(f"/invoicing/invoices/{note.id}"))
    cell = page.split('id="frees-cap-room">', 1)[1].split("</dd>", 1)[0]
    assert "2026-Q1" in cell
