"""Issued invoices and credit notes form a SHA-256 chain per provider; tampering is reported."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.invoicing import chain, lifecycle
from provider_portal.models import Invoice, InvoiceLine
from tests.factories import make_contract, make_learner, make_provider
from tests.invoicing_factories import make_draft

TODAY = date(2026, 4, 2)


@pytest.fixture()
def issued(db: Session) -> list[Invoice]:
    provider = make_provider(db)
    docs = []
    for _ in range(3):
        learner = make_learner(db, provider)
        docs.append(lifecycle.issue(db, make_draft(db, learner, make_contract(db, learner)), TODAY))
    docs.append(lifecycle.credit(db, docs[0], "wrong hours", date(2026, 4, 9)))
    return docs


def test_each_document_holds_the_previous_ones_hash(issued) -> None:
    assert issued[0].prev_hash == chain.GENESIS
    assert [d.prev_hash for d in issued[1:]] == [d.hash for d in issued[:-1]]
    assert [d.chain_index for d in issued] == [1, 2, 3, 4]


def test_an_untouched_chain_verifies(db, issued) -> None:
    assert chain.verify(db) == []


def test_a_status_change_does_not_break_the_chain(db, issued) -> None:
    lifecycle.change_status(db, issued[1], "submitted")
    assert chain.verify(db) == []


def test_changing_an_amount_with_sql_is_reported(db, issued) -> None:
    db.execute(sa.update(InvoiceLine).where(InvoiceLine.invoice_id == issued[1].id).values(amount_cents=1))
    db.commit()
    assert [b.document for b in chain.verify(db)] == [issued[1].number, issued[1].number]


def test_changing_the_hours_of_a_line_with_sql_is_reported(db, issued) -> None:
    line_of = sa.update(InvoiceLine).where(InvoiceLine.invoice_id == issued[1].id)
    db.execute(line_of.values(attended_minutes=60, hourly_rate_cents=104_400))
    db.commit()
    assert [b.document for b in chain.verify(db)] == [issued[1].number]


def test_a_line_without_hours_hashes_as_before_lines_had_hours(issued) -> None:
    line = InvoiceLine(invoice_id=1, position=1, kind="delivered", amount_cents=100, description="x")
    assert b'"lines":[[1,"delivered",100,true,"x"]]' in chain.canonical(issued[0], [line])


def test_deleting_a_document_with_sql_is_reported(db, issued) -> None:
    db.execute(sa.delete(InvoiceLine).where(InvoiceLine.invoice_id == issued[2].id))
    db.execute(sa.delete(Invoice).where(Invoice.id == issued[2].id))
    db.commit()
    problems = [str(b) for b in chain.verify(db)]
    assert any(issued[3].number in p and "missing" in p for p in problems)


def test_the_verify_command_exits_1_naming_the_altered_invoice(app, db, issued) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["invoices", "verify"]).exit_code == 0
    db.execute(sa.update(Invoice).where(Invoice.id == issued[0].id).values(bsn="111222333"))
    db.commit()
    result = runner.invoke(args=["invoices", "verify"])
    assert result.exit_code == 1 and issued[0].number in result.output
