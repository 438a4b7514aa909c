"""Issuing numbers invoices gaplessly per provider and year; issued documents never change."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.invoicing import lifecycle
from provider_portal.invoicing.errors import ImmutableDocument, InvalidTransition, InvoicingError
from provider_portal.models import Invoice, InvoiceLine, Learner
from provider_portal.models.invoicing import InvoiceStatus
from tests.factories import make_contract, make_learner, make_provider
from tests.invoicing_factories import make_draft

TODAY = date(2026, 4, 2)


@pytest.fixture()
def school(db: Session) -> dict:
    provider = make_provider(db)
    learners = [make_learner(db, provider) for _ in range(3)]
    contracts = [make_contract(db, learner) for learner in learners]
    return {"provider": provider, "learners": learners, "contracts": contracts}


def _draft(db: Session, school: dict, i: int = 0, quarter: str = "2026-Q1") -> Invoice:
    return make_draft(db, school["learners"][i], school["contracts"][i], quarter)


def test_issuing_numbers_invoices_gaplessly_in_the_issue_year(db, school) -> None:
    numbers = [lifecycle.issue(db, _draft(db, school, i), TODAY).number for i in range(3)]
    db.commit()
    assert numbers == ["2026-00001", "2026-00002", "2026-00003"]


def test_numbering_starts_again_in_a_new_year_and_per_provider(db, school) -> None:
    lifecycle.issue(db, _draft(db, school, 0), TODAY)
    db.commit()
    next_year = lifecycle.issue(db, _draft(db, school, 1), date(2027, 1, 4))
    db.commit()
    other = make_provider(db)
    learner = make_learner(db, other)
    theirs = lifecycle.issue(db, make_draft(db, learner, make_contract(db, learner)), TODAY)
    db.commit()
    assert next_year.number == "2027-00001" and theirs.number == "2026-00001"


def test_a_refused_issue_leaves_no_gap_in_the_numbers(db, school) -> None:
    db.execute(sa.update(Learner).where(Learner.id == school["learners"][1].id).values(bsn="123456789"))
    db.commit()
    lifecycle.issue(db, _draft(db, school, 0), TODAY)
    db.commit()
    bad = _draft(db, school, 1)
    with pytest.raises(InvoicingError, match=f"learner {school['learners'][1].id}"):
        lifecycle.issue(db, bad, TODAY)
    db.rollback()
    assert lifecycle.issue(db, _draft(db, school, 2), TODAY).number == "2026-00002"
    db.commit()
    assert db.get(Invoice, bad.id).status == InvoiceStatus.DRAFT


def test_issue_all_issues_every_draft_or_none(db, school) -> None:
    db.execute(sa.update(Learner).where(Learner.id == school["learners"][2].id).values(bsn=""))
    db.commit()
    drafts = [_draft(db, school, i) for i in range(3)]
    with pytest.raises(InvoicingError):
        lifecycle.issue_all(db, drafts, TODAY)
    db.rollback()  # the caller's unit of work: the two drafts numbered before the refusal are not kept
    assert {d.status for d in db.execute(sa.select(Invoice)).scalars()} == {InvoiceStatus.DRAFT}
    assert lifecycle.issue(db, db.get(Invoice, drafts[0].id), TODAY).number == "2026-00001"
    db.commit()


def test_an_issued_invoice_keeps_the_learners_bsn_and_name_at_issue(db, school) -> None:
    invoice = lifecycle.issue(db, _draft(db, school, 0), TODAY)
    db.commit()
    learner = school["learners"][0]
    assert invoice.bsn == learner.bsn and invoice.learner_name == learner.full_name
    assert invoice.due_date == date(2026, 5, 2)


def test_an_issued_invoice_cannot_be_edited_or_deleted_through_the_orm(db, school) -> None:
    invoice = lifecycle.issue(db, _draft(db, school, 0), TODAY)
    db.commit()
    invoice.total_cents = 1
    with pytest.raises(ImmutableDocument):
        db.flush()
    db.rollback()
    line = db.execute(sa.select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)).scalars().first()
    line.amount_cents = 1
    with pytest.raises(ImmutableDocument):
        db.flush()
    db.rollback()
    db.delete(db.get(Invoice, invoice.id))
    with pytest.raises(ImmutableDocument):
        db.flush()
    db.rollback()


def test_the_lifecycle_runs_from_issued_to_paid(db, school) -> None:
    invoice = lifecycle.issue(db, _draft(db, school, 0), TODAY)
    db.commit()
    for status in (InvoiceStatus.SUBMITTED, InvoiceStatus.ACCEPTED):
        lifecycle.change_status(db, invoice, status)
        db.commit()
    lifecycle.change_status(db, invoice, InvoiceStatus.PAID, on=date(2026, 5, 1))
    db.commit()
    db.expire_all()
    stored = db.get(Invoice, invoice.id)
    assert stored.status == InvoiceStatus.PAID and stored.paid_cents == 104_400
    assert stored.paid_on == date(2026, 5, 1)


@pytest.mark.parametrize(
    ("steps", "target"),
    [
        ((), InvoiceStatus.PAID),
        ((), InvoiceStatus.SUBMITTED),
        ((InvoiceStatus.SUBMITTED, InvoiceStatus.ACCEPTED, InvoiceStatus.PAID), InvoiceStatus.SUBMITTED),
        ((InvoiceStatus.SUBMITTED, InvoiceStatus.ACCEPTED), InvoiceStatus.SUBMITTED),
    ],
)
def test_the_lifecycle_refuses_invalid_transitions(db, school, steps, target) -> None:
    invoice = _draft(db, school, 0)
    if steps:
        lifecycle.issue(db, invoice, TODAY)
        db.commit()
    for step in steps:
        lifecycle.change_status(db, invoice, step)
        db.commit()
    before = invoice.status
    with pytest.raises(InvalidTransition):
        lifecycle.change_status(db, invoice, target)
    db.expire_all()
    assert db.get(Invoice, invoice.id).status == before


def test_a_rejection_needs_a_reason_and_keeps_it(db, school) -> None:
    invoice = lifecycle.issue(db, _draft(db, school, 0), TODAY)
    db.commit()
    lifecycle.change_status(db, invoice, InvoiceStatus.SUBMITTED)
    db.commit()
    with pytest.raises(InvoicingError):
        lifecycle.change_status(db, invoice, InvoiceStatus.REJECTED, reason="  ")
    lifecycle.change_status(db, invoice, InvoiceStatus.REJECTED, reason="learner disagrees")
    db.commit()
    db.expire_all()
    assert db.get(Invoice, invoice.id).status_reason == "learner disagrees"


def test_a_credit_note_has_its_own_series_and_frees_room_only_once_paid_in_a_later_quarter(
    db, school
) -> None:
    from billing.quarters import Quarter
    from provider_portal.invoicing.inputs import build_inputs

    def history(quarter: str) -> list[tuple[str, int]]:
        inputs = build_inputs(db, school["provider"], Quarter.parse(quarter), [school["learners"][0].id])
        return [(str(a.quarter), a.amount_cents) for a in inputs.learners[0].invoiced]

    invoice = lifecycle.issue(db, _draft(db, school, 0), TODAY)
    db.commit()
    note = lifecycle.credit(db, invoice, "lesson of 8 January did not take place", date(2026, 4, 10))
    db.commit()
    assert note.number == "C2026-00001" and note.corrects_id == invoice.id
    assert note.total_cents == invoice.total_cents and note.status == InvoiceStatus.ISSUED
    assert history("2026-Q3") == [("2026-Q1", 104_400)]  # issued, not paid: frees nothing yet
    lifecycle.change_status(db, note, InvoiceStatus.SUBMITTED)
    db.commit()
    lifecycle.change_status(db, note, InvoiceStatus.PAID, on=date(2026, 7, 3))
    db.commit()
    assert history("2026-Q2") == [("2026-Q1", 104_400)]  # the corrected quarter and Q2 stay full
    assert history("2026-Q3") == [("2026-Q1", 104_400), ("2026-Q3", -104_400)]
    again = lifecycle.issue(db, _draft(db, school, 0), date(2026, 7, 6))  # the slot is free again
    db.commit()
    assert again.number == "2026-00002"
    with pytest.raises(InvalidTransition):
        lifecycle.credit(db, invoice, "twice", date(2026, 4, 11))


def test_a_payment_dated_before_the_issue_date_is_refused(db, school) -> None:
    invoice = lifecycle.issue(db, _draft(db, school, 0), TODAY)
    db.commit()
    note = lifecycle.credit(db, invoice, "wrong hours", date(2026, 4, 10))
    db.commit()
    lifecycle.change_status(db, note, InvoiceStatus.SUBMITTED)
    db.commit()
    with pytest.raises(InvoicingError, match="paid on 2026-04-09 is before it was issued on 2026-04-10"):
        lifecycle.change_status(db, note, InvoiceStatus.PAID, on=date(2026, 4, 9))
    db.rollback()
    db.expire_all()
    stored = db.get(Invoice, note.id)
    assert (stored.status, stored.paid_on) == (InvoiceStatus.SUBMITTED, None)


def test_one_learner_has_one_current_invoice_per_quarter(db, school) -> None:
    from sqlalchemy.exc import IntegrityError

    _draft(db, school, 0)
    with pytest.raises(IntegrityError):
        _draft(db, school, 0)
    db.rollback()


def test_two_issuers_at_once_get_distinct_gapless_numbers(engine, db, school) -> None:
    import threading

    ids = [_draft(db, school, i).id for i in range(2)]
    barrier, numbers, errors = threading.Barrier(2), [], []

    def issue_one(invoice_id: int) -> None:
        try:
            with Session(engine, expire_on_commit=False) as session:
                invoice = session.get(Invoice, invoice_id)
                barrier.wait(timeout=10)
                numbers.append(lifecycle.issue(session, invoice, TODAY).number)
                session.commit()
        except Exception as exc:  # reported below, never lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=issue_one, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sorted(numbers) == ["2026-00001", "2026-00002"]
    from provider_portal.invoicing.chain import verify

    assert verify(db) == []
