"""Learner use cases: search, create, update, and keeping modules and exams in step with the route."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped
from sqlmodel import Session, SQLModel, col

from provider_portal.db import savepoint
from provider_portal.models import Learner, LearnerExam, LearnerLanguage, LearnerModule
from provider_portal.models.enums import (
    EXAM_COMPONENTS,
    REQUIRED_MODULES,
    ExamStatus,
    ModuleStatus,
    Route,
)
from provider_portal.models.keys import pk
from provider_portal.models.types import to_cents, utcnow
from provider_portal.privacy import too_many_digits
from provider_portal.service_errors import DomainError

TERM_YEARS = 3


class DuplicateBsnError(DomainError):
    """The provider already has a learner with this BSN."""

    def __init__(self) -> None:
        super().__init__("bsn", _l("This provider already has a learner with this BSN."))


@dataclass(frozen=True)
class LearnerData:
    """Validated input for a learner, as the form or an import delivers it."""

    bsn: str
    first_name: str
    last_name: str
    date_of_birth: date
    migrant_type: str
    route: str
    municipality: str
    postcode: str
    languages: tuple[str, ...]
    duo_term_start: date
    duo_term_end: date | None
    duo_term_extended_until: date | None
    loan_amount: Decimal
    street_address: str | None = None  # None (imports): left as it is
    place: str | None = None


@dataclass(frozen=True)
class LearnerFilter:
    q: str = ""
    route: str = ""
    municipality: str = ""
    language: str = ""


def default_term_end(start: date) -> date:
    """The inburgeringstermijn: three years from the DUO notice (29 Feb falls back to 28 Feb)."""
    try:
        return start.replace(year=start.year + TERM_YEARS)
    except ValueError:
        return start.replace(year=start.year + TERM_YEARS, day=28)


# The learner list's sortable columns: key -> the columns it orders by (the name breaks ties).
SORTS: dict[str, tuple[Any, ...]] = {
    "name": (Learner.last_name, Learner.first_name),
    "born": (Learner.date_of_birth,),
    "route": (Learner.route,),
    "municipality": (Learner.municipality,),
    "term": (sa.func.coalesce(Learner.duo_term_extended_until, Learner.duo_term_end),),
}


def sorted_statement(stmt: sa.Select[tuple[Learner]], sort: str,
                     descending: bool) -> sa.Select[tuple[Learner]]:
    """`stmt` ordered by a column of SORTS (unknown keys sort by name), then name and id."""
    columns = SORTS.get(sort, SORTS["name"])
    ordered = [c.desc() if descending else c.asc() for c in columns]
    return stmt.order_by(None).order_by(*ordered, col(Learner.last_name), col(Learner.first_name),
                                        col(Learner.id))


def search_statement(filters: LearnerFilter) -> sa.Select[tuple[Learner]]:
    """Learners matching a name, the BSN's last 3 or 4 digits, and the chosen filters, sorted by name."""
    stmt: sa.Select[tuple[Learner]] = sa.select(Learner)
    if filters.q and not too_many_digits(filters.q):
        term = f"%{filters.q.strip().lower()}%"
        name = sa.func.lower(Learner.first_name + " " + Learner.last_name)
        digits = filters.q.strip()
        by_bsn = col(Learner.bsn).endswith(digits) if digits.isdigit() and len(digits) >= 3 else sa.false()
        stmt = stmt.where(sa.or_(name.like(term), sa.func.lower(Learner.last_name).like(term), by_bsn))
    if filters.route:
        stmt = stmt.where(col(Learner.route) == filters.route)
    if filters.municipality:
        stmt = stmt.where(col(Learner.municipality) == filters.municipality)
    if filters.language:
        spoken = (sa.select(col(LearnerLanguage.learner_id))
                  .where(col(LearnerLanguage.language) == filters.language))
        stmt = stmt.where(col(Learner.id).in_(spoken))
    return stmt.order_by(col(Learner.last_name), col(Learner.first_name), col(Learner.id))


def find_by_bsn(session: Session, bsn: str) -> Learner | None:
    """The learner with exactly this BSN among those the session may see (tenancy applies)."""
    return session.execute(sa.select(Learner).where(col(Learner.bsn) == bsn)).scalars().first()


def save_learner(session: Session, data: LearnerData, learner: Learner | None = None) -> Learner:
    """Create or update a learner in a savepoint of the caller's transaction (its unit of work
    commits); a duplicate BSN undoes the savepoint and raises DuplicateBsnError."""
    try:
        with savepoint(session):
            return stage_learner(session, data, learner)
    except IntegrityError as exc:
        raise DuplicateBsnError() from exc


def stage_learner(session: Session, data: LearnerData, learner: Learner | None = None) -> Learner:
    """Write a learner with languages and route requirements without committing (imports batch them)."""
    learner = learner or Learner()  # type: ignore[call-arg]
    _apply(learner, data)
    session.add(learner)
    session.flush()
    _replace_languages(session, learner, data.languages)
    sync_route_requirements(session, learner)
    return learner


def stage_new_learners(session: Session, provider_id: int, rows: list[LearnerData]) -> list[Learner]:
    """`stage_learner` for many new learners in two flushes, not five statements per row (imports).

    A flush per row made an import of 4,000 learners outlast the web worker's timeout.
    """
    learners = [Learner(provider_id=provider_id) for _data in rows]  # type: ignore[call-arg]
    for learner, data in zip(learners, rows, strict=True):
        _apply(learner, data)
    session.add_all(learners)
    session.flush()  # one batched INSERT ... RETURNING gives every id
    for learner, data in zip(learners, rows, strict=True):
        route = Route(learner.route)
        learner_id = pk(learner)
        session.add_all(LearnerLanguage(learner_id=learner_id, language=code)
                        for code in sorted(set(data.languages)))
        session.add_all(LearnerModule(learner_id=learner_id, module=name, status=ModuleStatus.REQUIRED)
                        for name in REQUIRED_MODULES[route])
        session.add_all(LearnerExam(learner_id=learner_id, component=name, status=ExamStatus.OPEN)
                        for name in EXAM_COMPONENTS[route])
    session.flush()
    return learners


def _apply(learner: Learner, data: LearnerData) -> None:
    for name in ("bsn", "date_of_birth", "migrant_type", "route",
                 "municipality", "postcode", "duo_term_start", "duo_term_extended_until"):
        setattr(learner, name, getattr(data, name))
    learner.first_name, learner.last_name = data.first_name.strip(), data.last_name.strip()
    learner.duo_term_end = data.duo_term_end or default_term_end(data.duo_term_start)
    learner.loan_amount_cents = to_cents(data.loan_amount)
    for name in ("street_address", "place"):
        value = getattr(data, name)
        if value is not None:
            setattr(learner, name, value.strip())
    learner.updated_at = utcnow()


def _replace_languages(session: Session, learner: Learner, languages: tuple[str, ...]) -> None:
    session.execute(sa.delete(LearnerLanguage).where(col(LearnerLanguage.learner_id) == learner.id))
    session.add_all(LearnerLanguage(learner_id=pk(learner), language=code) for code in sorted(set(languages)))


def sync_route_requirements(session: Session, learner: Learner) -> None:
    """Add the modules and exam components the route requires; drop untouched ones it no longer needs."""
    route, learner_id = Route(learner.route), pk(learner)
    _sync(session, LearnerModule, "module", learner_id, REQUIRED_MODULES[route],
          lambda name: LearnerModule(learner_id=learner_id, module=name, status=ModuleStatus.REQUIRED),
          untouched=ModuleStatus.REQUIRED)
    _sync(session, LearnerExam, "component", learner_id, EXAM_COMPONENTS[route],
          lambda name: LearnerExam(learner_id=learner_id, component=name, status=ExamStatus.OPEN),
          untouched=ExamStatus.OPEN)


def _sync(session: Session, model: type[LearnerModule] | type[LearnerExam], key: str, learner_id: int,
          wanted: tuple[str, ...], make: Callable[[str], SQLModel], untouched: str) -> None:
    rows = session.execute(sa.select(model).where(col(model.learner_id) == learner_id)).scalars().all()
    have = {getattr(row, key): row for row in rows}
    for name in wanted:
        if name not in have:
            session.add(make(name))
    for name, row in have.items():
        if name not in wanted and row.status == untouched and getattr(row, "attempts", 0) == 0:
            session.delete(row)


def learner_details(session: Session, learner: Learner) -> dict[str, list]:
    """Languages, module statuses and exam statuses of one learner, in a fixed order."""
    def rows(model: type[LearnerLanguage] | type[LearnerModule] | type[LearnerExam],
             order: Mapped[str]) -> list[Any]:
        stmt = sa.select(model).where(col(model.learner_id) == learner.id).order_by(order)
        return list(session.execute(stmt).scalars())

    return {
        "languages": [r.language for r in rows(LearnerLanguage, col(LearnerLanguage.language))],
        "modules": rows(LearnerModule, col(LearnerModule.module)),
        "exams": rows(LearnerExam, col(LearnerExam.component)),
    }


PICK_LIMIT = 20  # matches a type-ahead shows; a longer list asks for a sharper query
PICK_MIN_CHARS = 2


def pick_matches(session: Session, query: str, limit: int = PICK_LIMIT) -> list[Learner]:
    """Learners for a picker: a name (2 characters or more) or a BSN's last 3-4 digits, sorted by name;
    a full 9-digit BSN finds exactly that learner (the query arrives in a POST body only).
    Tenancy applies: a teacher finds only the learners of their classes."""
    text = query.strip()
    digits = re.sub(r"[\s.\-]", "", text)
    if len(digits) == 9 and digits.isdigit():
        found = find_by_bsn(session, digits)
        return [found] if found else []
    if len(text) < PICK_MIN_CHARS or too_many_digits(text):
        return []
    return list(session.execute(search_statement(LearnerFilter(q=text)).limit(limit)).scalars())


def pick_label(learner: Learner, born: str) -> str:
    """What tells two learners apart in a picker: name, date of birth, the BSN's last 3 digits, town."""
    bsn = f"••••••\u00a0{learner.bsn[-3:]}"  # kept on one line
    return f"{learner.last_name}, {learner.first_name} · {born} · {bsn} · {learner.municipality}"
