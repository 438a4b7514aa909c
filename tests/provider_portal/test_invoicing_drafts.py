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
    (draft,) = _drafts(db)
    assert run.created == 1 and draft.status == InvoiceStatus.DRAFT
    assert draft.total_cents == school["lessons"] * 3 * 1450 == draft.delivered_cents


def test_the_cap_holds_back_the_excess_and_explains_it(db, school) -> None:
    db.add(CapSetting(amount_cents=50_000, effective_from="2026-Q1"))
    db.commit()
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    (draft,) = _drafts(db)
    lines = {line.kind: line for line in db.execute(sa.select(InvoiceLine)).scalars()}
    assert draft.total_cents == 50_000
    assert lines["held_back_by_cap"].invoiced is False
    assert lines["held_back_by_cap"].amount_cents == school["lessons"] * 3 * 1450 - 50_000


def test_running_twice_refreshes_the_draft_instead_of_duplicating_it(db, school) -> None:
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    first = _drafts(db)[0]
    db.execute(sa.update(Attendance).where(Attendance.learner_id == school["amina"].id).values(minutes=60))
    db.commit()
    second = make_drafts(db, school["provider"], Q1, AFTER_Q1)
    (draft,) = _drafts(db)
    assert second.updated == 1 and draft.id == first.id
    assert draft.total_cents == school["lessons"] * 1450


def test_an_issued_invoice_is_left_alone_by_a_later_run(db, school) -> None:
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    issued = lifecycle.issue(db, _drafts(db)[0], AFTER_Q1)
    run = make_drafts(db, school["provider"], Q1, AFTER_Q1)
    assert run.already_issued == 1 and [d.id for d in _drafts(db)] == [issued.id]


def test_a_draft_with_nothing_left_to_invoice_is_removed(db, school) -> None:
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.execute(sa.delete(Attendance))
    db.commit()
    assert make_drafts(db, school["provider"], Q1, AFTER_Q1).removed == 1 and _drafts(db) == []


def test_the_exam_date_releases_the_held_back_amount_above_the_cap(db, school) -> None:
    db.add(CapSetting(amount_cents=50_000, effective_from="2026-Q1"))
    db.execute(sa.update(Learner).values(obligation_met_on=date(2026, 3, 20)))
    db.commit()
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    assert _drafts(db)[0].total_cents == school["lessons"] * 3 * 1450


def test_a_contract_without_rate_is_named_and_gets_no_draft(db, school) -> None:
    other = make_learner(db, school["provider"], first_name="Bilal")
    contract = make_contract(db, other, hourly_rate_cents=0)
    make_enrolment(db, school["course"], other)
    attend_all(db, school["course"], other)
    run = make_drafts(db, school["provider"], Q1, AFTER_Q1)
    assert run.created == 1 and len(run.problems) == 1
    assert contract.number in run.problems[0] and f"learner {other.id}" in run.problems[0]


def test_drafts_in_advance_are_refused(db, school) -> None:
    with pytest.raises(InvoicingError):
        make_drafts(db, school["provider"], Q1, date(2026, 3, 31))
    assert _drafts(db) == []


def test_a_credited_quarter_gets_a_new_draft(db, school) -> None:
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    invoice = lifecycle.issue(db, _drafts(db)[0], AFTER_Q1)
    lifecycle.credit(db, invoice, "rate was wrong", date(2026, 4, 9))
    run = make_drafts(db, school["provider"], Q1, date(2026, 4, 9))
    assert run.created == 1
    assert _drafts(db)[-1].total_cents == invoice.total_cents
