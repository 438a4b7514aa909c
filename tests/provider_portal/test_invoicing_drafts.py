"""Drafts come from the attendance register through the billing core, once per learner and quarter."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.invoicing import lifecycle
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.invoicing.errors import InvoicingError
from provider_portal.models import Attendance, CapSetting, Invoice, InvoiceLine, Learner
from provider_portal.models.invoicing import InvoiceStatus
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider
from tests.invoicing_factories import AFTER_Q1, attend_all

Q1 = Quarter(2026, 1)


@pytest.fixture()
def school(db: Session) -> dict:
    provider = make_provider(db)
    course = make_class(db, provider)  # Mon + Wed 09:00-12:00, 5 Jan - 27 Mar 2026
    amina = make_learner(db, provider, first_name="Amina")
    make_contract(db, amina, hourly_rate_cents=1450, total_price_cents=870_000)
    make_enrolment(db, course, amina)
    lessons = attend_all(db, course, amina)
    return {"provider": provider, "course": course, "amina": amina, "lessons": lessons}


def _drafts(db: Session) -> list[Invoice]:
    db.expire_all()
    return list(db.execute(sa.select(Invoice).order_by(Invoice.id)).scalars())


def test_a_draft_bills_attended_hours_times_the_rate(db, school) -> None:
    run = make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    (draft,) = _drafts(db)
    assert run.created == 1 and draft.status == InvoiceStatus.DRAFT
    assert draft.total_cents == school["lessons"] * 3 * 1450 == draft.delivered_cents


def test_the_cap_holds_back_the_excess_and_explains_it(db, school) -> None:
    db.add(CapSetting(amount_cents=50_000, effective_from="2026-Q1"))
    db.commit()
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    (draft,) = _drafts(db)
    lines = {line.kind: line for line in db.execute(sa.select(InvoiceLine)).scalars()}
    assert draft.total_cents == 50_000
    assert lines["held_back_by_cap"].invoiced is False
    assert lines["held_back_by_cap"].amount_cents == school["lessons"] * 3 * 1450 - 50_000


def test_running_twice_refreshes_the_draft_instead_of_duplicating_it(db, school) -> None:
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    first = _drafts(db)[0]
    db.execute(sa.update(Attendance).where(Attendance.learner_id == school["amina"].id).values(minutes=60))
    db.commit()
    second = make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    (draft,) = _drafts(db)
    assert second.updated == 1 and draft.id == first.id
    assert draft.total_cents == school["lessons"] * 1450


def test_an_issued_invoice_is_left_alone_by_a_later_run(db, school) -> None:
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    issued = lifecycle.issue(db, _drafts(db)[0], AFTER_Q1)
    db.commit()
    run = make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    assert run.already_issued == 1 and [d.id for d in _drafts(db)] == [issued.id]


def test_a_draft_with_nothing_left_to_invoice_is_removed(db, school) -> None:
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    db.execute(sa.delete(Attendance))
    db.commit()
    assert make_drafts(db, school["provider"], Q1, AFTER_Q1).removed == 1 and _drafts(db) == []
    db.commit()  # the caller's unit of work


def test_the_exam_date_releases_the_held_back_amount_above_the_cap(db, school) -> None:
    db.add(CapSetting(amount_cents=50_000, effective_from="2026-Q1"))
    db.execute(sa.update(Learner).values(obligation_met_on=date(2026, 3, 20)))
    db.commit()
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    assert _drafts(db)[0].total_cents == school["lessons"] * 3 * 1450


def test_a_contract_without_rate_is_named_and_gets_no_draft(db, school) -> None:
    other = make_learner(db, school["provider"], first_name="Bilal")
    contract = make_contract(db, other, hourly_rate_cents=0)
    make_enrolment(db, school["course"], other)
    attend_all(db, school["course"], other)
    run = make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    assert run.created == 1 and len(run.problems) == 1
    assert contract.number in run.problems[0] and f"learner {other.id}" in run.problems[0]


def test_drafts_in_advance_are_refused(db, school) -> None:
    with pytest.raises(InvoicingError):
        make_drafts(db, school["provider"], Q1, date(2026, 3, 31))
    assert _drafts(db) == []


def _credited(db: Session, school: dict) -> tuple[Invoice, Invoice]:
    """Cap EUR 500: the Q1 invoice bills 500 of the 1044 delivered; then it is credited in full."""
    db.add(CapSetting(amount_cents=50_000, effective_from="2026-Q1"))
    db.commit()
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    invoice = lifecycle.issue(db, _drafts(db)[0], AFTER_Q1)
    db.commit()
    note = lifecycle.credit(db, invoice, "rate was wrong", date(2026, 4, 9))
    db.commit()
    return invoice, note


def _pay(db: Session, note: Invoice, on: date) -> None:
    lifecycle.change_status(db, note, InvoiceStatus.SUBMITTED)
    db.commit()
    lifecycle.change_status(db, note, InvoiceStatus.PAID, on=on)
    db.commit()


def _current_total(db: Session, quarter: str) -> int | None:
    db.expire_all()
    return db.execute(
        sa.select(Invoice.total_cents).where(Invoice.quarter == quarter, Invoice.slot.is_(True))
    ).scalar()


def test_an_unpaid_credit_note_leaves_the_corrected_quarter_full(db, school) -> None:
    invoice, _note = _credited(db, school)
    assert invoice.total_cents == 50_000 and school["lessons"] * 3 * 1450 == 104_400
    run = make_drafts(db, school["provider"], Q1, date(2026, 4, 10))
    db.commit()  # the caller's unit of work
    assert (run.created, run.problems) == (0, [])  # nothing freed in Q1: no correction draft
    make_drafts(db, school["provider"], Quarter(2026, 2), date(2026, 7, 1))
    db.commit()  # the caller's unit of work
    assert _current_total(db, "2026-Q2") == 50_000  # only the cap; the credit note is not paid


def test_a_credit_note_frees_room_in_the_quarter_it_is_paid_in(db, school) -> None:
    _invoice, note = _credited(db, school)
    _pay(db, note, date(2026, 5, 20))
    assert make_drafts(db, school["provider"], Q1, date(2026, 5, 21)).created == 0  # Q1 stays full
    db.commit()  # the caller's unit of work
    make_drafts(db, school["provider"], Quarter(2026, 2), date(2026, 7, 1))
    db.commit()  # the caller's unit of work
    assert _current_total(db, "2026-Q2") == 100_000  # the cap + the 500 freed in Q2
    draft = db.execute(sa.select(Invoice).where(Invoice.quarter == "2026-Q2")).scalar_one()
    assert [flag["kind"] for flag in draft.flags] == ["cap_room_freed_by_credit_note"]
    held = db.execute(
        sa.select(InvoiceLine).where(
            InvoiceLine.invoice_id == draft.id, InvoiceLine.kind == "held_back_by_cap"
        )
    ).scalar_one()
    assert held.amount_cents == 4_400 and "freed by credit notes paid in 2026-Q2" in held.explanation


def test_a_credit_note_paid_in_q3_frees_room_in_q3_and_not_in_q2(db, school) -> None:
    _invoice, note = _credited(db, school)
    make_drafts(db, school["provider"], Quarter(2026, 2), date(2026, 7, 1))
    db.commit()  # the caller's unit of work
    _pay(db, note, date(2026, 7, 10))
    run = make_drafts(db, school["provider"], Quarter(2026, 2), date(2026, 7, 11))
    db.commit()  # the caller's unit of work
    assert run.problems == [] and _current_total(db, "2026-Q2") == 50_000  # paid after Q2
    lifecycle.issue(db, _drafts(db)[-1], date(2026, 7, 11))
    db.commit()
    make_drafts(db, school["provider"], Quarter(2026, 3), date(2026, 10, 1))
    db.commit()  # the caller's unit of work
    # open: 1044 delivered - (500 + 500 - 500) net = 544, within Q3's room of 500 + 500 freed
    assert _current_total(db, "2026-Q3") == 54_400


def test_the_loan_counts_a_credit_note_once_it_is_paid(db, school) -> None:
    from provider_portal.invoicing.inputs import build_inputs

    _invoice, note = _credited(db, school)
    loan = school["amina"].loan_amount_cents

    def remaining(quarter: Quarter) -> int:
        return build_inputs(db, school["provider"], quarter).learners[0].loan_remaining_cents

    assert remaining(Quarter(2026, 2)) == loan - 50_000
    _pay(db, note, date(2026, 7, 10))
    assert remaining(Quarter(2026, 2)) == loan
    q2, q3 = (build_inputs(db, school["provider"], Quarter(2026, n)).learners[0].invoiced for n in (2, 3))
    assert [(str(a.quarter), a.amount_cents) for a in q2] == [("2026-Q1", 50_000)]
    assert [(str(a.quarter), a.amount_cents) for a in q3] == [("2026-Q1", 50_000), ("2026-Q3", -50_000)]
