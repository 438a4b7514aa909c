"""DUO's credit-note timing, decided by the billing core alone (billing.credits)."""

from __future__ import annotations

from datetime import date

from billing.credits import FreedRoom, IssuedDocument, cap_amounts, frees_room
from billing.model import QuarterAmount
from billing.quarters import Quarter

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)


def invoice(doc_id: int, quarter: Quarter, cents: int, rejected: bool = False) -> IssuedDocument:
    return IssuedDocument(doc_id, quarter, cents, rejected=rejected)


def note(
    doc_id: int, corrects: int, quarter: Quarter, cents: int, paid_on: date | None = None
) -> IssuedDocument:
    return IssuedDocument(doc_id, quarter, cents, credit_note=True, paid_on=paid_on, corrects=corrects)


def test_an_invoice_counts_in_its_own_quarter() -> None:
    assert cap_amounts([invoice(1, Q1, 100_00), invoice(2, Q1, 50_00)]) == [QuarterAmount(Q1, 150_00)]


def test_an_unpaid_credit_note_frees_nothing_yet() -> None:
    docs = [invoice(1, Q1, 100_00), note(2, 1, Q1, 100_00)]
    assert cap_amounts(docs) == [QuarterAmount(Q1, 100_00)]
    assert frees_room(docs[1], docs[0]) is None


def test_a_paid_credit_note_frees_room_in_the_quarter_it_was_paid_not_the_invoices() -> None:
    docs = [invoice(1, Q1, 100_00), note(2, 1, Q1, 40_00, paid_on=date(2026, 8, 3))]
    assert cap_amounts(docs) == [QuarterAmount(Q1, 100_00), QuarterAmount(Q3, -40_00)]
    assert frees_room(docs[1], docs[0]) == FreedRoom(Q3, at_once=False)


def test_a_rejected_invoice_and_its_credit_note_count_for_nothing_and_free_room_at_once() -> None:
    docs = [invoice(1, Q2, 100_00, rejected=True), note(2, 1, Q2, 100_00, paid_on=date(2026, 9, 1))]
    assert cap_amounts(docs) == []
    assert frees_room(docs[1], docs[0]) == FreedRoom(Q2, at_once=True)


def test_a_rejected_invoice_without_a_credit_note_still_counts() -> None:
    assert cap_amounts([invoice(1, Q2, 100_00, rejected=True)]) == [QuarterAmount(Q2, 100_00)]


def test_invoices_and_paid_credit_notes_of_one_quarter_stay_apart_so_freed_room_can_be_told() -> None:
    docs = [invoice(1, Q1, 100_00), invoice(3, Q2, 125_00), note(2, 1, Q1, 30_00, paid_on=date(2026, 5, 2))]
    assert cap_amounts(docs) == [
        QuarterAmount(Q1, 100_00), QuarterAmount(Q2, 125_00), QuarterAmount(Q2, -30_00)]


def test_an_invoice_is_no_credit_note() -> None:
    assert frees_room(invoice(1, Q1, 1), None) is None
