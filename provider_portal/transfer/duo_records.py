"""Collecting the contracts of a reporting month, with their learners' classes and hours at school."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.models import Attendance, Contract, CourseClass, Enrolment, Learner, Lesson
from provider_portal.models.enums import ATTENDED, ContractStatus, LessonStatus
from provider_portal.transfer.duo import ContractRecord


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of the month containing `month`."""
    return month.replace(day=1), month.replace(day=calendar.monthrange(month.year, month.month)[1])


def contract_end(contract: Contract) -> date:
    """A terminated contract ends on its termination date."""
    if contract.status == ContractStatus.TERMINATED and contract.terminated_on:
        return contract.terminated_on
    return contract.end_date


def contract_records(session: Session, provider_id: int, month: date, today: date) -> list[ContractRecord]:
    """Contracts running in the month; hours attended from contract start to the month's end (or today)."""
    first, last = month_bounds(month)
    until = min(last, today)
    found = session.execute(
        sa.select(Contract, Learner).join(Learner, col(Learner.id) == col(Contract.learner_id))
        .where(col(Contract.provider_id) == provider_id, col(Contract.start_date) <= last)
    ).all()
    rows = [(c, learner) for c, learner in found if contract_end(c) >= first]
    learner_ids = {learner.id for _c, learner in rows}
    visits = _attended(session, provider_id, learner_ids, until)
    levels = _levels(session, learner_ids)
    records = []
    for contract, learner in rows:
        end = contract_end(contract)
        during = [(m, ona) for day, m, ona in visits[learner.id] if contract.start_date <= day <= end]
        followed = tuple(sorted({lv for lv, a, b in levels[learner.id]
                                 if a <= end and (b is None or contract.start_date <= b)}))
        records.append(ContractRecord(contract.number, learner.full_name, learner.id or 0, learner.bsn,
                                      learner.route, followed, contract.start_date, end,
                                      contract.purchased_hours, sum(m for m, _ona in during),
                                      sum(m for m, ona in during if ona)))
    return records


def _attended(session: Session, provider_id: int, learner_ids: set[int | None],
              until: date) -> dict[int, list[tuple[date, int, bool]]]:
    """(date, minutes, ONA class?) of attended lessons that took place: only hours at school count
    for DUO, and those in ONA classes are also its ONA hours."""
    stmt = (sa.select(col(Attendance.learner_id), col(Lesson.lesson_date), col(Attendance.minutes),
                      col(CourseClass.ona))
            .join(Lesson, col(Lesson.id) == col(Attendance.lesson_id))
            .join(CourseClass, col(CourseClass.id) == col(Lesson.class_id))
            .where(col(Lesson.provider_id) == provider_id, col(Lesson.status) == LessonStatus.SCHEDULED,
                   col(Lesson.lesson_date) <= until, col(Attendance.status).in_(ATTENDED),
                   col(Attendance.learner_id).in_(learner_ids)))
    out: dict[int, list[tuple[date, int, bool]]] = defaultdict(list)
    for learner_id, day, minutes, ona in session.execute(stmt):
        out[learner_id].append((day, minutes, bool(ona)))
    return out


def _levels(session: Session, learner_ids: set[int | None]) -> dict[int, list[tuple[str, date, date | None]]]:
    stmt = (sa.select(col(Enrolment.learner_id), col(CourseClass.level), col(Enrolment.from_date),
                      col(Enrolment.to_date))
            .join(CourseClass, col(CourseClass.id) == col(Enrolment.class_id))
            .where(col(Enrolment.learner_id).in_(learner_ids)))
    out: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    for learner_id, level, start, end in session.execute(stmt):
        out[learner_id].append((level, start, end))
    return out
