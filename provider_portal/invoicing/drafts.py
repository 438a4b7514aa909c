"""Make or refresh a quarter's draft invoices for a provider from the billing core.

A draft is recomputed on demand: running again rewrites the drafts in place, deletes those with
nothing left to invoice, and never touches issued invoices: it locks the drafts it rewrites and
drops any issued meanwhile (`locking.lock_drafts`). The unique constraint on a learner's
current invoice per quarter means two runs at once cannot create duplicates: the loser's
savepoint fails as a whole and is retried once against the winner's rows. Nothing here commits:
the caller's unit of work does (`db.unit_of_work`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from billing.documents import LINE_TEXT_NL
from billing.errors import AdvanceBillingError, BillingInputError
from billing.quarters import Quarter
from billing.result import LearnerQuarter
from billing.rules import compute_learner_quarter
from provider_portal.db import in_chunks, savepoint
from provider_portal.i18n import message_day
from provider_portal.invoicing import locking
from provider_portal.invoicing.errors import InvoicingError
from provider_portal.invoicing.inputs import Inputs, build_inputs, describe_problem
from provider_portal.models import Invoice, InvoiceLine, Provider
from provider_portal.models.invoicing import InvoiceStatus
from provider_portal.models.types import utcnow

log = logging.getLogger(__name__)


@dataclass
class DraftRun:
    """What a run did, for the job result and the flash message."""

    quarter: str
    created: int = 0
    updated: int = 0
    removed: int = 0
    already_issued: int = 0
    total_cents: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def make_drafts(
    session: Session,
    provider: Provider,
    quarter: Quarter,
    invoice_date: date,
    learner_ids: list[int] | None = None,
) -> DraftRun:
    """Drafts for every learner with something to invoice in `quarter`, in the caller's transaction.

    The run reads, computes, then writes in a savepoint (opened at the first write, so that on SQLite
    the reads are not held in one snapshot a concurrent issue would make stale): when a concurrent
    run inserted the same learner's draft first, only this run's writes are undone and it is made
    once more against the winner's rows.
    """
    if invoice_date <= quarter.last_day:
        raise InvoicingError(_("%(quarter)s ends on %(last)s: no invoices in advance",
                               quarter=str(quarter), last=message_day(quarter.last_day)))
    for attempt in (1, 2):
        try:
            return _make(session, provider, quarter, invoice_date, learner_ids)
        except IntegrityError:
            if attempt == 2:
                raise
            log.info("draft run for provider %s %s met a concurrent run; retrying", provider.id, quarter)
    raise AssertionError("unreachable")


def _make(
    session: Session, provider: Provider, quarter: Quarter, invoice_date: date, learner_ids: list[int] | None
) -> DraftRun:
    run = DraftRun(str(quarter))
    inputs = build_inputs(session, provider, quarter, learner_ids)
    run.problems.extend(inputs.problems)
    current = _current(session, provider.id or 0, quarter, learner_ids)
    results = _compute(inputs, quarter, invoice_date, current, run)
    drafts = {lid: inv_id for lid, (inv_id, status) in current.items() if status == InvoiceStatus.DRAFT}
    with savepoint(session):
        _write(session, provider, inputs, drafts, results, run)
    return run


def _write(session: Session, provider: Provider, inputs: Inputs, drafts: dict[int, int],
           results: dict[int, LearnerQuarter], run: DraftRun) -> None:
    _keep_locked_drafts(session, drafts, results, run)
    keep = {lid for lid, res in results.items() if res.invoice_cents > 0}
    _clear_lines(session, list(drafts.values()))
    gone = [inv_id for lid, inv_id in drafts.items() if lid not in keep]
    if gone:
        session.execute(sa.delete(Invoice).where(col(Invoice.id).in_(gone),
                                                 col(Invoice.status) == InvoiceStatus.DRAFT))
    run.removed = len(gone)
    updates = [(drafts[lid], results[lid]) for lid in keep if lid in drafts]
    _update(session, updates)
    run.updated = len(updates)
    new = [lid for lid in keep if lid not in drafts]
    ids = _insert(session, provider.id or 0, inputs, [results[lid] for lid in new])
    run.created = len(new)
    _insert_lines(session, [*updates, *zip(ids, [results[lid] for lid in new], strict=True)])
    run.total_cents = sum(results[lid].invoice_cents for lid in keep)


def _current(
    session: Session, provider_id: int, quarter: Quarter, learner_ids: list[int] | None
) -> dict[int, tuple[int, str]]:
    stmt = sa.select(col(Invoice.learner_id), col(Invoice.id), col(Invoice.status)).where(
        col(Invoice.provider_id) == provider_id, col(Invoice.quarter) == str(quarter),
        col(Invoice.slot).is_(True),
    )
    if learner_ids is not None:
        stmt = stmt.where(col(Invoice.learner_id).in_(learner_ids or [-1]))
    return {lid: (inv_id, status) for lid, inv_id, status in session.execute(stmt)}


def _compute(
    inputs: Inputs, quarter: Quarter, invoice_date: date, current: dict[int, tuple[int, str]], run: DraftRun
) -> dict[int, LearnerQuarter]:
    results: dict[int, LearnerQuarter] = {}
    for learner in inputs.learners:
        lid = int(learner.learner_id)
        if lid in current and current[lid][1] != InvoiceStatus.DRAFT:
            run.already_issued += 1
            continue
        try:
            results[lid] = compute_learner_quarter(
                learner, quarter, provider=inputs.provider, caps=inputs.caps, invoice_date=invoice_date
            )
        except AdvanceBillingError as exc:
            raise InvoicingError(exc.message) from exc
        except BillingInputError as exc:
            run.problems.append(describe_problem(inputs.records[lid], inputs.contracts[lid], exc))
    return results


def _keep_locked_drafts(
    session: Session, drafts: dict[int, int], results: dict[int, LearnerQuarter], run: DraftRun
) -> None:
    """Lock the drafts about to be rewritten; drop those issued (or removed) since they were read.

    Without the lock an issue committing between the read above and the writes below would get
    this run's lines under its sealed total. A learner whose draft was issued meanwhile is counted
    as already issued and gets no new draft; the issue, if it waited for this lock, re-reads the
    recomputed draft before it numbers and seals it.
    """
    locked = locking.lock_drafts(session, drafts.values())
    for lid, inv_id in list(drafts.items()):
        if inv_id not in locked:
            del drafts[lid]
            results.pop(lid, None)
            run.already_issued += 1


def _clear_lines(session: Session, draft_ids: list[int]) -> None:
    """Delete the lines of drafts only: the status condition keeps issued lines out of reach."""
    for chunk in in_chunks(draft_ids):
        still_drafts = sa.select(col(Invoice.id)).where(
            col(Invoice.id).in_(chunk), col(Invoice.status) == InvoiceStatus.DRAFT
        )
        session.execute(sa.delete(InvoiceLine).where(col(InvoiceLine.invoice_id).in_(still_drafts)))


def _fields(result: LearnerQuarter) -> dict[str, Any]:
    return {
        "total_cents": result.invoice_cents,
        "delivered_cents": result.delivered_cents,
        "open_after_cents": result.open_after_cents,
        "updated_at": utcnow(),
        "flags": [
            {
                "kind": str(f.kind),
                "message": f.message,
                "due": f.due.isoformat() if f.due else None,
                "overdue": f.overdue,
            }
            for f in result.flags
        ],
    }


def _update(session: Session, updates: list[tuple[int, LearnerQuarter]]) -> None:
    if not updates:
        return
    table = Invoice.__table__  # type: ignore[attr-defined]
    stmt = table.update().where(table.c.id == sa.bindparam("b_id"), table.c.status == InvoiceStatus.DRAFT)
    session.execute(stmt, [{"b_id": inv_id, **_fields(res)} for inv_id, res in updates])


def _insert(session: Session, provider_id: int, inputs: Inputs, results: list[LearnerQuarter]) -> list[int]:
    if not results:
        return []
    rows = []
    for res in results:
        lid = int(res.learner_id)
        rows.append(
            {
                "provider_id": provider_id,
                "learner_id": lid,
                "contract_id": inputs.contracts[lid].id,
                "kind": "invoice",
                "quarter": str(res.quarter),
                "status": InvoiceStatus.DRAFT,
                "slot": True,
                "bsn": None,
                "learner_name": inputs.records[lid].full_name[:201],
                "reason": "",
                "status_reason": "",
                "created_at": utcnow(),
                **_fields(res),
            }
        )
    session.execute(Invoice.__table__.insert(), rows)  # type: ignore[attr-defined]
    # Read the ids back rather than INSERT ... RETURNING, which SQLite runs row by row.
    ids = dict(
        session.execute(
            sa.select(col(Invoice.learner_id), col(Invoice.id)).where(
                col(Invoice.provider_id) == provider_id,
                col(Invoice.quarter) == rows[0]["quarter"],
                col(Invoice.slot).is_(True),
                col(Invoice.status) == InvoiceStatus.DRAFT,
            )
        ).all()
    )
    return [ids[row["learner_id"]] for row in rows]


def _insert_lines(session: Session, docs: list[tuple[int, LearnerQuarter]]) -> None:
    rows = [
        {
            "invoice_id": inv_id,
            "position": i,
            "kind": str(line.kind),
            "amount_cents": line.amount_cents,
            "invoiced": line.invoiced,
            "explanation": line.explanation[:300],
            "attended_minutes": None if line.hours is None else round(line.hours * 60),
            "hourly_rate_cents": line.hourly_rate_cents,
            "description": (
                LINE_TEXT_NL[line.kind].format(quarter=line.quarter) if line.invoiced else line.explanation
            )[:300],
        }
        for inv_id, res in docs
        for i, line in enumerate(res.lines, start=1)
        if line.amount_cents
    ]
    if rows:
        session.execute(InvoiceLine.__table__.insert(), rows)  # type: ignore[attr-defined]

