"""The obligation met: its date and ground on the learner (`obligation_met_on`, what billing reads),
every change audited with its reason; and the final invoice it makes due within 4 months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from billing.deadlines import DEADLINE_MONTHS
from billing.quarters import Quarter, add_months
from provider_portal.db import savepoint
from provider_portal.exam_path.audit import lock_learner, record_change
from provider_portal.exam_path.results import ResultData, all_passed_on, stage_result
from provider_portal.models import ExamResult, Invoice, Learner
from provider_portal.models.enums import Route
from provider_portal.models.invoicing import DocumentKind, InvoiceStatus
from provider_portal.service_errors import AlreadyRecorded, DomainError


class Ground(StrEnum):
    EXAM = "exam"  # every required component passed (derived from the results)
    Z_ROUTE = "z_route"  # the Z-route's final interview and certificate
    EXEMPTION = "exemption"  # DUO granted an exemption (ontheffing)
    DECISION = "decision"  # a manual decision, with its reason


def _state(learner: Learner) -> dict[str, str] | None:
    if learner.obligation_met_on is None:
        return None
    return {"met_on": learner.obligation_met_on.isoformat(), "ground": learner.obligation_ground or "",
            "reason": learner.obligation_reason}


def set_obligation(session: Session, learner_id: int, met_on: date | None, ground: str, reason: str,
                   user_id: int | None, today: date) -> Learner:
    """Record (or, with `met_on` None, withdraw) the obligation met; a change of an existing record
    needs a reason. The learner row is locked, so two corrections never overwrite each other."""
    lock_learner(session, learner_id)
    learner = session.execute(sa.select(Learner).where(col(Learner.id) == learner_id)
                              .execution_options(populate_existing=True)).scalar_one()
    reason = reason.strip()
    if met_on is not None:
        _check(session, learner, met_on, ground, reason, today)
    old = _state(learner)
    if met_on is not None and old == {"met_on": met_on.isoformat(), "ground": ground, "reason": reason}:
        return learner  # the same form sent again (a double submit): nothing changes, nothing audited
    if old is not None and not reason:
        raise DomainError("reason", _l("Reason: a correction of a recorded obligation needs a reason."))
    if met_on is None and old is None:
        raise DomainError("met_on", _l("Date: no obligation is recorded to withdraw."))
    learner.obligation_met_on = met_on
    learner.obligation_ground = ground if met_on is not None else None
    learner.obligation_reason = reason if met_on is not None else ""
    record_change(session, learner_id, "obligation", old=old, new=_state(learner), reason=reason,
                  user_id=user_id)
    session.flush()
    return learner


def _check(session: Session, learner: Learner, met_on: date, ground: str, reason: str, today: date) -> None:
    if met_on > today:
        raise DomainError("met_on", _l("Date: the obligation can only be recorded once it is met."))
    if ground not in Ground.__members__.values():
        raise DomainError("ground", _l("Ground: choose one of the listed grounds."))
    if ground == Ground.EXAM and all_passed_on(session, learner) is None:
        raise DomainError("ground", _l("Ground: not every exam component of the route is passed yet."))
    if ground == Ground.Z_ROUTE and learner.route != Route.Z:
        raise DomainError("ground", _l("Ground: only the Z-route ends with a final interview and "
                                      "certificate."))
    if ground in (Ground.DECISION, Ground.EXEMPTION) and not reason:
        raise DomainError("reason", _l("Reason: say who decided and why (e.g. DUO's letter and its date)."))


def enter_result(session: Session, learner: Learner, data: ResultData, user_id: int | None,
                 today: date) -> ExamResult:
    """A result entered by hand, audited, and the obligation met when it passes the last component.
    The same attempt stored meanwhile by a parallel request is refused as already recorded."""
    if data.exam_date > today:
        raise DomainError("exam_date", _l("Exam date: a result can only be entered after the exam."))
    try:
        with savepoint(session):
            result = stage_result(session, learner, data, "manual", user_id)
            session.flush()
    except IntegrityError:
        raise AlreadyRecorded("exam_date", _l("This result was saved meanwhile (the form was sent twice?): "
                                              "check the learner's results.")) from None
    derive_from_results(session, learner, user_id)
    session.flush()
    return result


def derive_from_results(session: Session, learner: Learner, user_id: int | None) -> bool:
    """Stage the obligation as met when every component is passed and nothing is recorded yet."""
    if learner.obligation_met_on is not None:
        return False
    passed_on = all_passed_on(session, learner)
    if passed_on is None:
        return False
    learner.obligation_met_on, learner.obligation_ground = passed_on, Ground.EXAM
    learner.obligation_reason = ""
    record_change(session, learner.id or 0, "obligation", old=None, new=_state(learner),
                  reason="", user_id=user_id)
    return True


@dataclass(frozen=True)
class FinalInvoiceDue:
    learner: Learner
    met_on: date
    due: date
    overdue: bool


def final_invoices_due(session: Session, today: date) -> list[FinalInvoiceDue]:
    """Learners whose obligation is met and whose final invoice (an issued invoice for the quarter in
    which it was met or later) is not issued yet, with DUO's 4-month deadline; soonest first."""
    learners = session.execute(sa.select(Learner)
                               .where(col(Learner.obligation_met_on).is_not(None))).scalars().all()
    if not learners:
        return []
    issued = session.execute(sa.select(col(Invoice.learner_id), sa.func.max(col(Invoice.quarter))).where(
        col(Invoice.learner_id).in_([x.id for x in learners]), col(Invoice.kind) == DocumentKind.INVOICE,
        col(Invoice.status) != InvoiceStatus.DRAFT, col(Invoice.slot).is_(True))
        .group_by(col(Invoice.learner_id))).all()
    last_issued = {lid: Quarter.parse(q) for lid, q in issued}
    out = []
    for x in learners:
        met = x.obligation_met_on
        assert met is not None
        latest = last_issued.get(x.id or 0)
        if latest is not None and latest >= Quarter.of(met):
            continue
        due = add_months(met, DEADLINE_MONTHS)
        out.append(FinalInvoiceDue(x, met, due, today > due))
    return sorted(out, key=lambda f: (f.due, f.learner.last_name))
