"""Builders for invoicing tests: drafts with lines, attended lessons, and a finished quarter."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.models import (
    Attendance,
    Contract,
    CourseClass,
    Invoice,
    InvoiceLine,
    Learner,
    Lesson,
    OtherProviderInvoice,
    Provider,
)
from provider_portal.models.invoicing import InvoiceStatus
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider

AFTER_Q1 = date(2026, 4, 2)  # an invoice date after 2026-Q1, the factories' class quarter


def make_draft(
    session: Session,
    learner: Learner,
    contract: Contract,
    quarter: str = "2026-Q1",
    lines: tuple[tuple[str, int], ...] = (("delivered", 104_400),),
    **over: Any,
) -> Invoice:
    """A draft invoice with invoiced lines of (kind, cents), as a draft run would store it."""
    invoice = Invoice(
        provider_id=learner.provider_id,
        learner_id=learner.id,
        contract_id=contract.id,
        quarter=quarter,
        status=InvoiceStatus.DRAFT,
        slot=True,
        learner_name=learner.full_name,
        total_cents=sum(c for _, c in lines),
        **over,
    )  # type: ignore[arg-type]
    session.add(invoice)
    session.flush()
    session.add_all(
        InvoiceLine(
            invoice_id=invoice.id,
            position=i,
            kind=kind,
            amount_cents=cents,
            description=f"Gevolgde lessen {quarter}",
        )
        for i, (kind, cents) in enumerate(lines, start=1)
    )
    session.commit()
    return invoice


def attend_all(
    session: Session, course: CourseClass, learner: Learner, minutes: int = 180, until: date | None = None
) -> int:
    """Mark the learner present at every lesson of the class (up to `until`); returns the count."""
    stmt = sa.select(Lesson.id).where(Lesson.class_id == course.id)
    if until:
        stmt = stmt.where(Lesson.lesson_date <= until)
    ids = session.execute(stmt).scalars().all()
    session.add_all(
        Attendance(learner_id=learner.id, lesson_id=i, status="present", minutes=minutes) for i in ids
    )
    session.commit()
    return len(ids)


def drafted_q1(session: Session) -> tuple[Provider, Learner, int]:
    """A provider whose learner Amina Haddad, under contract, attended every lesson of her 2026-Q1
    class, with the Q1 drafts made on AFTER_Q1; and how many lessons she attended."""
    provider = make_provider(session)
    course = make_class(session, provider)
    learner = make_learner(session, provider, first_name="Amina", last_name="Haddad")
    make_contract(session, learner)
    make_enrolment(session, course, learner)
    lessons = attend_all(session, course, learner)
    make_drafts(session, provider, Quarter(2026, 1), AFTER_Q1)
    session.commit()  # the caller's unit of work
    return provider, learner, lessons


def make_other_invoice(
    session: Session, learner: Learner, quarter: str = "2026-Q1", amount_cents: int = 100_000, **over: Any
) -> OtherProviderInvoice:
    """Another provider's invoice for `learner`, as recorded on the billing history page."""
    entry = OtherProviderInvoice(
        provider_id=learner.provider_id,
        learner_id=learner.id,
        quarter=quarter,
        amount_cents=amount_cents,
        other_provider=over.pop("other_provider", "Taalschool Elders"),
        **over,
    )  # type: ignore[arg-type]
    session.add(entry)
    session.commit()
    return entry
