"""Build the billing core's input from the database, one provider and quarter at a time.

Delivered value comes from the attendance register: minutes of attended lessons that took place.
Per learner the minutes are summed in SQL per quarter and per Keurmerk validity, and handed to the
core as one lesson per group (dated on the group's first day, which shares the group's quarter and
validity), so the core sees the same hours per quarter without millions of rows; learners with a
terminated contract get their lessons per day, because the termination date splits quarters.
Hours are minutes / 60 as exact Decimals summed per quarter before the core rounds once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from billing.credits import IssuedDocument, cap_amounts
from billing.errors import BillingInputError
from billing.model import (
    CapSetting as CoreCapSetting,
)
from billing.model import (
    CapTable,
    KeurmerkPeriod,
    LearnerBilling,
    ProviderBilling,
    QuarterAmount,
)
from billing.model import Contract as CoreContract
from billing.model import (
    Lesson as CoreLesson,
)
from billing.quarters import Quarter
from provider_portal.invoicing.core_messages import input_problem
from provider_portal.models import (
    Attendance,
    CapSetting,
    Contract,
    Invoice,
    Learner,
    Lesson,
    OtherProviderInvoice,
    Provider,
)
from provider_portal.models.enums import ATTENDED, KeurmerkStatus, LessonStatus
from provider_portal.models.invoicing import DocumentKind, InvoiceStatus

FAR_PAST = date(1900, 1, 1)
SIXTY = Decimal(60)


def cap_table(session: Session) -> CapTable:
    """The dated cap settings; the core's default (EUR 1250) when none are stored."""
    rows = session.execute(sa.select(col(CapSetting.amount_cents), col(CapSetting.effective_from))).all()
    if not rows:
        return CapTable()
    return CapTable(tuple(CoreCapSetting(amount, Quarter.parse(start)) for amount, start in rows))


def provider_billing(provider: Provider) -> ProviderBilling:
    """The Keurmerk as billing sees it: one validity period, open-ended while still held."""
    held = provider.keurmerk_status in (KeurmerkStatus.KEURMERK, KeurmerkStatus.ASPIRANT)
    start = provider.keurmerk_valid_from or FAR_PAST
    if held or provider.keurmerk_valid_until is not None:
        return ProviderBilling(str(provider.id), (KeurmerkPeriod(start, provider.keurmerk_valid_until),))
    return ProviderBilling(str(provider.id), ())


@dataclass(frozen=True, slots=True)
class LearnerRow:
    """The learner columns billing needs (plain rows: ORM objects cost too much for 20,000)."""

    id: int
    bsn: str
    first_name: str
    last_name: str
    loan_amount_cents: int
    obligation_met_on: date | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class ContractRow:
    """The contract columns billing needs."""

    id: int
    learner_id: int
    number: str
    hourly_rate_cents: int
    total_price_cents: int
    terminated_on: date | None


@dataclass
class Inputs:
    """The learners that could be built, and a message per learner that could not."""

    provider: ProviderBilling
    caps: CapTable
    learners: list[LearnerBilling] = field(default_factory=list)
    contracts: dict[int, ContractRow] = field(default_factory=dict)
    records: dict[int, LearnerRow] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def build_inputs(
    session: Session, provider: Provider, quarter: Quarter, learner_ids: list[int] | None = None
) -> Inputs:
    """Every learner of `provider` with a contract started by the quarter's end, as core input."""
    out = Inputs(provider_billing(provider), cap_table(session))
    contracts = _contracts(session, provider.id or 0, quarter, learner_ids)
    columns = [getattr(Learner, name) for name in LearnerRow.__slots__]
    learners = {
        row[0]: LearnerRow(*row)
        for row in session.execute(_only(
            sa.select(*columns).where(col(Learner.provider_id) == provider.id), col(Learner.id), learner_ids
        ))
    }
    ended = {lid for lid, c in contracts.items() if c.terminated_on is not None}
    lessons = _grouped_lessons(session, provider, quarter, learner_ids, ended)
    invoiced = _invoiced(session, provider.id or 0, learner_ids)
    by_others = invoiced_by_others(session, provider.id or 0, learner_ids)
    for lid, contract in contracts.items():
        learner = learners[lid]
        history = invoiced.get(lid, [])
        try:
            out.learners.append(
                LearnerBilling(
                    learner_id=str(lid),
                    bsn=learner.bsn or None,
                    contract=CoreContract(
                        contract.total_price_cents or None,
                        contract.hourly_rate_cents or None,
                        contract.terminated_on,
                    ),
                    loan_remaining_cents=max(
                        0, learner.loan_amount_cents - sum(a.amount_cents for a in history)
                    ),
                    lessons=tuple(lessons.get(lid, ())),
                    invoiced=as_of(history, quarter),
                    invoiced_by_others=as_of(by_others.get(lid, []), quarter),
                    obligation_met_on=learner.obligation_met_on,
                    name=learner.full_name,
                )
            )
        except BillingInputError as exc:
            out.problems.append(describe_problem(learner, contract, exc))
            continue
        out.contracts[lid], out.records[lid] = contract, learner
    return out


def describe_problem(learner: LearnerRow, contract: ContractRow, exc: BillingInputError) -> str:
    """Name the learner and contract (never the BSN) and what is wrong."""
    return _("%(name)s (learner %(id)s), contract %(contract)s: %(problem)s", name=learner.full_name,
             id=learner.id, contract=contract.number, problem=input_problem(exc))


def _contracts(
    session: Session, provider_id: int, quarter: Quarter, learner_ids: list[int] | None
) -> dict[int, ContractRow]:
    """Per learner the latest contract that started by the end of the quarter."""
    columns = [getattr(Contract, name) for name in ContractRow.__slots__]
    stmt = (
        sa.select(*columns)
        .where(col(Contract.provider_id) == provider_id, col(Contract.start_date) <= quarter.last_day)
        .order_by(col(Contract.learner_id), col(Contract.start_date), col(Contract.id))
    )
    stmt = _only(stmt, col(Contract.learner_id), learner_ids)
    return {row.learner_id: ContractRow(*row) for row in session.execute(stmt)}


def _only(stmt: sa.Select, column: Mapped[int] | Mapped[int | None], ids: list[int] | None) -> sa.Select:
    """Restrict to some learners (None: the provider's whole run, without a huge IN list)."""
    return stmt if ids is None else stmt.where(column.in_(ids or [-1]))


def _grouped_lessons(
    session: Session, provider: Provider, quarter: Quarter, learner_ids: list[int] | None, per_day: set[int]
) -> dict[int, list[CoreLesson]]:
    """Attended minutes up to the quarter's end: per quarter and validity, or per day."""
    first = session.execute(
        sa.select(sa.func.min(Lesson.lesson_date)).where(col(Lesson.provider_id) == provider.id)
    ).scalar()
    if first is None:
        return {}
    quarters = [Quarter.of(as_date(first))]
    while quarters[-1] < quarter:
        quarters.append(quarters[-1].next())
    # Plain date comparisons, not EXTRACT per row: this runs over millions of attendance rows.
    bucket = sa.case(
        *((col(Lesson.lesson_date) <= q.last_day, i) for i, q in enumerate(quarters)), else_=len(quarters)
    )
    start = provider.keurmerk_valid_from or FAR_PAST
    until = provider.keurmerk_valid_until
    valid = (
        sa.and_(col(Lesson.lesson_date) >= start, col(Lesson.lesson_date) <= until)
        if until
        else (col(Lesson.lesson_date) >= start)
    )
    valid_flag = sa.case((valid, 1), else_=0)
    base = (
        sa.select(
            col(Attendance.learner_id), sa.func.min(Lesson.lesson_date), sa.func.sum(Attendance.minutes)
        )
        .join(Lesson, col(Lesson.id) == col(Attendance.lesson_id))
        .where(
            col(Lesson.provider_id) == provider.id,
            col(Lesson.status) == LessonStatus.SCHEDULED,
            col(Lesson.lesson_date) <= quarter.last_day,
            col(Attendance.status).in_(list(ATTENDED)),
        )
    )
    base = _only(base, col(Attendance.learner_id), learner_ids)
    grouped = base.where(col(Attendance.learner_id).not_in(per_day)) if per_day else base
    grouped = grouped.group_by(col(Attendance.learner_id), bucket, valid_flag)
    daily = base.where(col(Attendance.learner_id).in_(per_day or [-1])).group_by(
        col(Attendance.learner_id), col(Lesson.lesson_date)
    )
    if session.get_bind().dialect.name == "postgresql":
        # For this transaction only: aggregate in memory instead of spilling 100+ MB to disk, and
        # skip JIT compilation, which costs more than it saves on this one-off query.
        session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
        session.execute(sa.text("SET LOCAL jit = off"))
    out: dict[int, list[CoreLesson]] = defaultdict(list)
    for stmt in (grouped, daily):
        for learner_id, day, minutes in session.execute(stmt):
            if minutes:
                out[learner_id].append(CoreLesson(as_date(day), Decimal(minutes) / SIXTY))
    return out


def issued_documents(
    session: Session, provider_id: int, learner_ids: list[int] | None = None
) -> dict[int, list[IssuedDocument]]:
    """Per learner: the provider's issued invoices and credit notes, as the billing core reads them.

    Which of them take cap room, and in which quarter a credit note frees it, is the core's rule
    (`billing.credits`); this only loads. Drafts never count.
    """
    stmt = sa.select(
        col(Invoice.id), col(Invoice.learner_id), col(Invoice.kind), col(Invoice.quarter),
        col(Invoice.total_cents), col(Invoice.status), col(Invoice.paid_on), col(Invoice.corrects_id),
    ).where(col(Invoice.provider_id) == provider_id, col(Invoice.status) != InvoiceStatus.DRAFT)
    out: dict[int, list[IssuedDocument]] = defaultdict(list)
    for doc_id, learner_id, kind, quarter, cents, status, paid_on, corrects in session.execute(
        _only(stmt, col(Invoice.learner_id), learner_ids)
    ):
        credit_note = kind == DocumentKind.CREDIT_NOTE
        out[learner_id].append(IssuedDocument(
            id=doc_id, quarter=Quarter.parse(quarter), cents=int(cents), credit_note=credit_note,
            paid_on=_paid_on(credit_note, status, paid_on), rejected=status == InvoiceStatus.REJECTED,
            corrects=corrects,
        ))
    return out


def as_issued_document(doc: Invoice) -> IssuedDocument:
    """One stored document as the core reads it (for a single document's page)."""
    credit_note = doc.kind == DocumentKind.CREDIT_NOTE
    return IssuedDocument(
        id=doc.id, quarter=Quarter.parse(doc.quarter), cents=int(doc.total_cents), credit_note=credit_note,
        paid_on=_paid_on(credit_note, doc.status, doc.paid_on), rejected=doc.status == InvoiceStatus.REJECTED,
        corrects=doc.corrects_id,
    )


def _paid_on(credit_note: bool, status: object, paid_on: object) -> date | None:
    """When DUO paid a credit note back: only a paid credit note's date matters to the cap."""
    return as_date(paid_on) if credit_note and status == InvoiceStatus.PAID and paid_on else None


def _invoiced(
    session: Session, provider_id: int, learner_ids: list[int] | None
) -> dict[int, list[QuarterAmount]]:
    """Per learner: what counts against the cap per quarter, as the billing core decides it."""
    documents = issued_documents(session, provider_id, learner_ids)
    return {lid: cap_amounts(docs) for lid, docs in documents.items()}


def invoiced_by_others(
    session: Session, provider_id: int, learner_ids: list[int] | None
) -> dict[int, list[QuarterAmount]]:
    """Per learner: other providers' invoices and paid credit notes as recorded, in quarter order.

    Kept one entry per record (not netted), so the core can say both what other providers
    invoiced in a quarter and what their credit notes paid in it freed.
    """
    stmt = sa.select(
        col(OtherProviderInvoice.learner_id), col(OtherProviderInvoice.quarter),
        col(OtherProviderInvoice.amount_cents),
    ).where(col(OtherProviderInvoice.provider_id) == provider_id)
    out: dict[int, list[QuarterAmount]] = defaultdict(list)
    stmt = _only(stmt, col(OtherProviderInvoice.learner_id), learner_ids)
    for learner_id, q, cents in session.execute(stmt):
        out[learner_id].append(QuarterAmount(Quarter.parse(q), int(cents)))
    return {lid: sorted(amounts, key=_by_quarter) for lid, amounts in out.items()}


def as_of(history: list[QuarterAmount], quarter: Quarter) -> tuple[QuarterAmount, ...]:
    """The history the core sees for `quarter`: a credit note paid after it frees nothing in it.

    Invoices of later quarters stay in, so the core still refuses to bill quarters out of order.
    """
    return tuple(a for a in history if a.amount_cents >= 0 or a.quarter <= quarter)


def _by_quarter(amount: QuarterAmount) -> tuple[Quarter, int]:
    return amount.quarter, -amount.amount_cents


def as_date(value: object) -> date:
    """SQLite returns MIN(date) as text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
