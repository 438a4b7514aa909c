"""Issued invoices and credit notes form a SHA-256 chain per provider; tampering is reported."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.invoicing import chain, lifecycle
from provider_portal.models import DocumentCounter, Invoice, InvoiceEvent, InvoiceLine
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
        db.commit()
    docs.append(lifecycle.credit(db, docs[0], "wrong hours", date(2026, 4, 9)))
    db.commit()
    return docs


def test_each_document_holds_the_previous_ones_hash(db, issued) -> None:
    assert issued[0].prev_hash == chain.GENESIS
    assert [d.prev_hash for d in issued[1:3]] == [d.hash for d in issued[:2]]
    freed = db.execute(sa.select(InvoiceEvent)).scalar_one()  # crediting freed the invoice's slot
    assert (freed.invoice_id, freed.chain_index, freed.prev_hash) == (issued[0].id, 4, issued[2].hash)
    assert (issued[3].chain_index, issued[3].prev_hash) == (5, freed.hash)


def test_an_untouched_chain_verifies(db, issued) -> None:
    assert chain.verify(db) == []


def test_a_status_change_does_not_break_the_chain(db, issued) -> None:
    lifecycle.change_status(db, issued[1], "submitted")
    db.commit()
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
    assert b'"lines":[[1,"delivered",100,true,"x"]]' in chain.canonical(issued[0], [line], version=1)


def test_deleting_a_document_with_sql_is_reported(db, issued) -> None:
    db.execute(sa.delete(InvoiceLine).where(InvoiceLine.invoice_id == issued[2].id))
    db.execute(sa.delete(Invoice).where(Invoice.id == issued[2].id))
    db.commit()
    problems = [str(b) for b in chain.verify(db)]
    assert any(issued[2].number in p and "deleted" in p for p in problems)  # named by its number
    assert any("position 4 follows 2" in p and "missing" in p for p in problems)


def test_the_verify_command_exits_1_naming_the_altered_invoice(app, db, issued) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["invoices", "verify"]).exit_code == 0
    db.execute(sa.update(Invoice).where(Invoice.id == issued[0].id).values(bsn="111222333"))
    db.commit()
    result = runner.invoke(args=["invoices", "verify"])
    assert result.exit_code == 1 and issued[0].number in result.output


@pytest.fixture()
def lived(db: Session, issued: list[Invoice]) -> list[Invoice]:
    """The whole life cycle: the first invoice submitted, accepted, paid and credited, the credit
    note submitted and paid (its paid_on decides which quarter gets cap room), the second submitted."""
    first, second, _third, note = issued
    lifecycle.change_status(db, second, "submitted")
    db.commit()
    note_paid = date(2026, 5, 4)
    lifecycle.change_status(db, note, "submitted")
    db.commit()
    lifecycle.change_status(db, note, "paid", paid_cents=note.total_cents, on=note_paid)
    db.commit()
    return issued


def _named(db: Session) -> set[str]:
    return {b.document for b in chain.verify(db)}


def _sql(db: Session, statement) -> None:  # type: ignore[no-untyped-def]
    db.execute(statement)
    db.commit()


def test_a_whole_life_cycle_verifies_clean(db, issued) -> None:
    first = issued[1]
    for status in ("submitted", "accepted"):
        lifecycle.change_status(db, first, status)
        db.commit()
    lifecycle.change_status(db, first, "paid", paid_cents=first.total_cents, on=date(2026, 4, 20))
    db.commit()
    note = lifecycle.credit(db, first, "wrong hours", date(2026, 4, 21))
    db.commit()
    lifecycle.change_status(db, note, "submitted")
    db.commit()
    lifecycle.change_status(db, note, "paid", on=date(2026, 5, 1))
    db.commit()
    assert chain.verify(db) == []
    counter = db.execute(sa.select(DocumentCounter.last_number).where(DocumentCounter.series == "H"))
    events = db.execute(sa.select(sa.func.count()).select_from(InvoiceEvent)).scalar_one()
    assert counter.scalar_one() == 5 + events == 5 + 7  # 5 documents; 3 + 2 statuses, 2 freed slots


def test_the_lived_chain_verifies_clean(db, lived) -> None:
    assert chain.verify(db) == []


def test_deleting_the_last_document_of_a_chain_is_reported(db, issued) -> None:
    note = issued[3]
    _sql(db, sa.delete(InvoiceLine).where(InvoiceLine.invoice_id == note.id))
    _sql(db, sa.delete(Invoice).where(Invoice.id == note.id))
    problems = [str(b) for b in chain.verify(db)]
    assert any(note.number in p and "deleted" in p for p in problems)
    assert any("counter is at 5" in p for p in problems)


def test_deleting_the_last_status_event_is_reported(db, lived) -> None:
    note = lived[3]
    _sql(db, sa.delete(InvoiceEvent).where(InvoiceEvent.chain_index == 8))
    assert note.number in _named(db)


def test_setting_an_issued_invoice_back_to_draft_is_reported(db, lived) -> None:
    _sql(db, sa.update(Invoice).where(Invoice.id == lived[2].id).values(status="draft"))
    assert _named(db) == {lived[2].number}


@pytest.mark.parametrize(
    "values",
    [{"status": "paid", "paid_cents": 1, "paid_on": date(2026, 4, 30)}, {"paid_cents": 1}],
    ids=["paid behind the portal", "another paid amount"],
)
def test_a_payment_set_with_sql_is_reported(db, lived, values) -> None:
    target = lived[3] if "status" not in values else lived[1]
    _sql(db, sa.update(Invoice).where(Invoice.id == target.id).values(**values))
    assert _named(db) == {target.number}


def test_moving_a_credit_notes_paid_on_to_another_quarter_is_reported(db, lived) -> None:
    note = lived[3]
    _sql(db, sa.update(Invoice).where(Invoice.id == note.id).values(paid_on=date(2026, 7, 1)))
    problems = [str(b) for b in chain.verify(db)]
    assert len(problems) == 1 and note.number in problems[0] and "paid_on" in problems[0]


def test_changing_a_sealed_event_together_with_its_invoice_is_reported(db, lived) -> None:
    note = lived[3]
    _sql(db, sa.update(Invoice).where(Invoice.id == note.id).values(paid_on=date(2026, 7, 1)))
    _sql(db, sa.update(InvoiceEvent).where(InvoiceEvent.invoice_id == note.id, InvoiceEvent.status == "paid")
         .values(paid_on=date(2026, 7, 1)))
    assert _named(db) == {note.number}


@pytest.mark.parametrize(
    "values",
    [
        {"delivered_cents": 1},
        {"open_after_cents": 1},
        {"flags": [{"code": "over_cap"}]},
        {"duo_batch": "x.csv"},
    ],
    ids=["delivered", "open", "flags", "duo batch"],
)
def test_changing_amounts_or_flags_of_an_issued_invoice_is_reported(db, lived, values) -> None:
    _sql(db, sa.update(Invoice).where(Invoice.id == lived[1].id).values(**values))
    assert _named(db) == {lived[1].number}


def test_changing_a_lines_explanation_is_reported(db, lived) -> None:
    _sql(db, sa.update(InvoiceLine).where(InvoiceLine.invoice_id == lived[2].id).values(explanation="anders"))
    assert _named(db) == {lived[2].number}


def test_a_document_issued_before_version_2_hashes_still_verifies(db) -> None:
    provider = make_provider(db)
    learner = make_learner(db, provider)
    doc = lifecycle.issue(db, make_draft(db, learner, make_contract(db, learner)), TODAY)
    db.commit()
    lines = db.execute(sa.select(InvoiceLine).where(InvoiceLine.invoice_id == doc.id)).scalars().all()
    _sql(db, sa.update(Invoice).where(Invoice.id == doc.id).values(hash=chain.digest(doc, lines, version=1)))
    db.refresh(doc)
    assert chain.verify(db) == []
    lifecycle.change_status(db, doc, "submitted")  # its status is sealed from its first event on
    db.commit()
    assert chain.verify(db) == []
    _sql(db, sa.update(Invoice).where(Invoice.id == doc.id).values(status="accepted"))
    assert _named(db) == {doc.number}


def test_status_changes_of_one_provider_at_once_keep_one_gapless_chain(
    app, engine, db, issued, database_url
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL): parallel transactions wait on its row locks")
    barrier, errors = threading.Barrier(3), []

    def submit(invoice_id: int) -> None:
        with app.app_context(), Session(engine, expire_on_commit=False) as mine:
            invoice = mine.get(Invoice, invoice_id)
            barrier.wait()
            try:
                lifecycle.change_status(mine, invoice, "submitted")
                mine.commit()
            except Exception as exc:  # noqa: BLE001  (reported below)
                errors.append(exc)

    threads = [threading.Thread(target=submit, args=(doc.id,)) for doc in issued[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and chain.verify(db) == []
    positions = db.execute(sa.select(InvoiceEvent.chain_index).order_by(InvoiceEvent.chain_index)).scalars()
    assert list(positions) == [4, 6, 7, 8]
