"""Running an import: read, check every row, then store all rows or none at all (a savepoint in the
caller's transaction; the caller's unit of work commits)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from provider_portal.classes.service import ClassError, stage_enrolment
from provider_portal.contracts.service import ContractError, stage_contract
from provider_portal.db import savepoint
from provider_portal.learners.service import stage_new_learners
from provider_portal.models import Contract, CourseClass, Learner
from provider_portal.transfer.columns import RowError
from provider_portal.transfer.results import stage_results, validate_results
from provider_portal.transfer.tables import Table, TableError, read_table
from provider_portal.transfer.validation import (
    Checked,
    EnrolmentRow,
    Lookups,
    validate_contracts,
    validate_enrolments,
    validate_learners,
)


class ImportKind(StrEnum):
    LEARNERS = "learners"
    CONTRACTS = "contracts"
    ENROLMENTS = "enrolments"
    RESULTS = "results"


Progress = Callable[[int, int], None]  # (rows done, rows in all): checked, then stored
PROGRESS_EVERY = 100  # rows between two progress reports


def _no_progress(done: int, total: int) -> None:
    return None


# Service error fields mapped to the import column they concern.
FIELD_COLUMNS = {"number": "contractnummer", "learner_id": "klas", "to_date": "tot"}


@dataclass
class ImportResult:
    """How many rows were stored, or why none were."""

    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    problem: Any = None  # the file as a whole could not be read

    @property
    def ok(self) -> bool:
        return not self.errors and self.problem is None


def load_lookups(session: Session, provider_id: int) -> Lookups:
    """The provider's BSNs, class names and contract numbers, in three queries."""
    learners = session.execute(sa.select(col(Learner.bsn),
                                         col(Learner.id)).where(col(Learner.provider_id) == provider_id))
    classes: dict[str, list[int]] = defaultdict(list)
    for name, class_id in session.execute(
            sa.select(col(CourseClass.name),
                      col(CourseClass.id)).where(col(CourseClass.provider_id) == provider_id)):
        classes[name.strip().lower()].append(class_id)
    numbers = session.execute(
        sa.select(col(Contract.number)).where(col(Contract.provider_id) == provider_id)).scalars()
    return Lookups(learner_ids={bsn: lid for bsn, lid in learners},
                   class_ids={k: tuple(v) for k, v in classes.items()}, contract_numbers=frozenset(numbers))


def import_file(session: Session, provider_id: int, kind: ImportKind, filename: str, data: bytes,
                today: date, user_id: int | None = None) -> ImportResult:
    """Import one file of `kind`; any bad row or service refusal leaves the database untouched."""
    try:
        table = read_table(filename, data)
    except TableError as exc:
        return ImportResult(problem=exc.reason)
    return import_table(session, provider_id, kind, table, today, user_id=user_id)


def _counted(table: Table, progress: Progress) -> Table:
    """The table whose rows report progress as they are checked (the first half of the work)."""
    total = len(table.rows)

    def rows():  # type: ignore[no-untyped-def]
        for done, row in enumerate(table.rows):
            if done % PROGRESS_EVERY == 0:
                progress(done // 2, total)
            yield row

    return Table(headers=table.headers, rows=rows())


def import_table(session: Session, provider_id: int, kind: ImportKind, table: Table, today: date,
                 progress: Progress = _no_progress, user_id: int | None = None) -> ImportResult:
    """Import a read table (all rows or none), reporting `progress(rows done, rows)` on the way:
    checking counts as the first half of the rows, storing as the second (the caller reports the
    end once its unit of work has committed the rows)."""
    total = len(table.rows)
    table = _counted(table, progress)
    lookups = load_lookups(session, provider_id)
    if kind == ImportKind.RESULTS:
        items, errors = validate_results(table, dict(lookups.learner_ids), today)
        if errors:
            return ImportResult(errors=errors)
        if not items:
            return ImportResult(problem=_l("The file has no data rows."))
        return _store(session, items, stage_results(session, user_id))
    checked: Checked[Any]
    if kind == ImportKind.LEARNERS:
        checked = validate_learners(table, lookups, today)
    elif kind == ImportKind.CONTRACTS:
        checked = validate_contracts(table, lookups)
    else:
        checked = validate_enrolments(table, lookups)
    if checked.errors:
        return ImportResult(errors=checked.errors)
    if not checked.items:
        return ImportResult(problem=_l("The file has no data rows."))
    progress(total // 2, total)
    if kind == ImportKind.LEARNERS:
        result = _store(session, checked.items, _new_learners(session, provider_id))
    else:
        stage = _stager(session, provider_id, kind, checked.items)
        stored = _per_row(stage, lambda done: progress((total + done) // 2, total))
        result = _store(session, checked.items, stored)
    return result


def _stager(session: Session, provider_id: int, kind: ImportKind,
            items: list[tuple[int, Any]]) -> Callable[[Any], object]:
    """The service call that stores one checked row; the rows' learners and classes load in one query each."""
    rows = [item for _number, item in items]
    if kind == ImportKind.CONTRACTS:
        learners = _by_id(session, Learner, {learner_id for learner_id, _data in rows})
        return lambda item: stage_contract(session, learners[item[0]], item[1])
    learners = _by_id(session, Learner, {row.learner_id for row in rows})
    classes = _by_id(session, CourseClass, {row.class_id for row in rows})

    def enrol(row: EnrolmentRow) -> object:
        course = classes[row.class_id]
        return stage_enrolment(session, course, learners[row.learner_id], row.from_date or course.start_date,
                               row.to_date)
    return enrol


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    return {row.id: row for row in session.execute(sa.select(model).where(model.id.in_(ids))).scalars()}


def _new_learners(session: Session, provider_id: int) -> Callable[[list[tuple[int, Any]]], list[RowError]]:
    """Checked learner rows need no service check of their own: stage them in bulk (no row refuses)."""
    def stage_all(items: list[tuple[int, Any]]) -> list[RowError]:
        stage_new_learners(session, provider_id, [data for _number, data in items])
        return []
    return stage_all


def _per_row(stage: Callable[[Any], object], staged: Callable[[int], None] = lambda done: None
             ) -> Callable[[list[tuple[int, Any]]], list[RowError]]:
    """Stage rows one by one through a service that may refuse a row; the refusals name their row."""
    def stage_all(items: list[tuple[int, Any]]) -> list[RowError]:
        errors: list[RowError] = []
        for done, (number, item) in enumerate(items):
            if done % PROGRESS_EVERY == 0:
                staged(done)
            try:
                stage(item)
            except (ClassError, ContractError) as exc:
                errors.append(RowError(number, FIELD_COLUMNS.get(exc.field, exc.field), exc.message))
        return errors
    return stage_all


class _RowsRefused(Exception):
    """Leaves the savepoint of `_store` so that none of the file's rows stays staged."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} rows refused")
        self.errors = errors


def _store(session: Session, items: list[tuple[int, Any]],
           stage_all: Callable[[list[tuple[int, Any]]], list[RowError]]) -> ImportResult:
    """Stage every row in a savepoint, collecting refusals: when one was refused (or a concurrent
    change got in the way) the savepoint undoes every row; else the caller's unit of work commits."""
    try:
        with savepoint(session):
            errors = stage_all(items)
            if errors:
                raise _RowsRefused(errors)
            session.flush()
    except _RowsRefused as refused:
        return ImportResult(errors=refused.errors)
    except IntegrityError:
        return ImportResult(problem=_l("Another change got in the way; nothing was imported. Try again."))
    return ImportResult(imported=len(items))
