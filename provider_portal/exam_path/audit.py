"""The one audit trail of the exam path: every change is a new `exam_path_change` row."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.db import lock_rows
from provider_portal.i18n import day, number
from provider_portal.labels import label
from provider_portal.models import ExamPathChange, Learner, User


def record_change(session: Session, learner_id: int, kind: str, *, component: str | None = None,
                  old: dict[str, Any] | None, new: dict[str, Any] | None, reason: str = "",
                  user_id: int | None) -> None:
    """Stage an audit row (committed with the change it describes)."""
    session.add(ExamPathChange(learner_id=learner_id, kind=kind, component=component, old=old, new=new,
                               reason=reason, changed_by_id=user_id))


def lock_learner(session: Session, learner_id: int) -> None:
    """Serialise exam-path changes of one learner until the commit, so a form sent twice at once is
    checked against the first copy's rows (PostgreSQL `FOR UPDATE`; SQLite takes its database write
    lock with a no-op update)."""
    lock_rows(session, Learner, [learner_id], col(Learner.updated_at))


def changes_of(session: Session, learner_id: int) -> list[tuple[ExamPathChange, str]]:
    """The learner's exam-path changes, newest first, with who made them."""
    rows = session.execute(
        sa.select(ExamPathChange, col(User.name)).outerjoin(User,
            col(User.id) == col(ExamPathChange.changed_by_id))
        .where(col(ExamPathChange.learner_id) == learner_id)
        .order_by(col(ExamPathChange.changed_at).desc(), col(ExamPathChange.id).desc())).all()
    return [(change, name or "") for change, name in rows]


STATE_KEYS = {
    "ready_on": _l("ready since"), "level": _l("level"), "exam_date": _l("exam date"),
    "attempt": _l("attempt"), "source": _l("source"), "met_on": _l("met on"), "ground": _l("ground"),
    "reason": _l("reason"), "provider": _l("provider"), "keurmerk": _l("Keurmerk"), "from": _l("from"),
    "to": _l("to"), "minutes": _l("hours"), "evidence": _l("evidence"), "passed": _l("result"),
}
SOURCES = {"import": _l("DUO file"), "manual": _l("entered by hand")}


def describe_state(state: dict[str, Any] | None) -> str:
    """An audit row's before or after in the reader's language: dates as dates, codes as words."""
    if not state:
        return "–"
    parts = []
    for key, value in state.items():
        if value in ("", None):
            continue
        if key in ("ready_on", "exam_date", "met_on", "from", "to"):
            shown: object = day(date.fromisoformat(value))
        elif key == "minutes":
            shown = number(value / 60)
        elif key == "passed":
            shown = _l("passed") if value else _l("not passed")
        elif key == "keurmerk":
            shown = _l("yes") if value else _l("no")
        elif key == "ground":
            shown = label(value, "obligation_ground")
        elif key == "source":
            shown = SOURCES.get(value, value)
        else:
            shown = value
        parts.append(f"{STATE_KEYS.get(key, key)}: {shown}")
    return "; ".join(parts)
