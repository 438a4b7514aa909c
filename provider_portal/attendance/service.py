"""The register of one lesson: who is expected, saving the grid, signing off, and amendments.

Rules (Keurmerk norms 2.9.2 and 2.9.3, and the issue's own):
- the grid lists the learners enrolled on the lesson's date, nobody else; once signed it lists the
  learners it was signed with, and a later (even backdated) enrolment never changes it;
- attendance is taken once a lesson has started; only "absent with notice" may be entered ahead;
- minutes lie between 0 and the lesson's length, and default to the full length when present;
- the whole grid is saved in one transaction, guarded by the lesson's version, so two people
  saving at once never overwrite each other silently;
- a signed register is locked: only a provider admin may change it, and must give a reason;
- every change is written to the append-only audit trail.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from provider_portal.attendance.codes import MAX_FAILURES, code_is_valid
from provider_portal.clock import lesson_start
from provider_portal.db import changed_rows
from provider_portal.models import (
    Attendance,
    AttendanceChange,
    ClassTeacher,
    Enrolment,
    Learner,
    Lesson,
    PresenceFailure,
    User,
)
from provider_portal.models.enums import ATTENDED, AttendanceStatus, LessonStatus, Role
from provider_portal.models.keys import pk
from provider_portal.models.types import utcnow
from provider_portal.service_errors import DomainError

log = logging.getLogger(__name__)


class RegisterError(DomainError):
    """The register cannot be saved as given; `field` names the row or field."""


class StaleRegisterError(RegisterError):
    """Somebody else saved this register after it was opened."""

    status: ClassVar[int] = 409


@dataclass(frozen=True)
class Mark:
    """One row of the grid as entered: minutes None means "the default for the status"."""

    learner_id: int
    status: str
    minutes: int | None = None
    remark: str = ""


@dataclass(frozen=True)
class Row:
    learner: Learner
    attendance: Attendance | None


def expected_learners(session: Session, lesson: Lesson) -> list[Learner]:
    """The learners enrolled in the lesson's class on its date, by name."""
    enrolled = sa.select(col(Enrolment.learner_id)).where(
        col(Enrolment.class_id) == lesson.class_id,
        col(Enrolment.from_date) <= lesson.lesson_date,
        sa.or_(col(Enrolment.to_date).is_(None), col(Enrolment.to_date) >= lesson.lesson_date),
    )
    stmt = (sa.select(Learner).where(col(Learner.id).in_(enrolled))
            .order_by(col(Learner.last_name), col(Learner.first_name)))
    return list(session.execute(stmt).scalars())


def _marks(session: Session, lesson: Lesson) -> dict[int, Attendance]:
    rows = session.execute(sa.select(Attendance).where(col(Attendance.lesson_id) == lesson.id)).scalars()
    return {a.learner_id: a for a in rows}


def register_rows(session: Session, lesson: Lesson) -> list[Row]:
    """The grid: every expected learner with their attendance so far.

    A signed register is frozen (see `roster`): it lists the learners it was signed with, whatever
    enrolments changed since.
    """
    marks = _marks(session, lesson)
    if lesson.signed:
        stmt = sa.select(Learner).where(col(Learner.id).in_(list(marks) or [-1]))
        learners = session.execute(stmt.order_by(col(Learner.last_name), col(Learner.first_name))).scalars()
        return [Row(learner, marks[learner.id]) for learner in learners]
    return [Row(learner, marks.get(pk(learner))) for learner in expected_learners(session, lesson)]


def not_on_signed_register(session: Session, lesson: Lesson) -> list[Learner]:
    """Learners enrolled on a signed lesson's date who are not on its register (enrolled afterwards).

    They are added only by a provider admin's audited correction, with a reason.
    """
    if not lesson.signed:
        return []
    marks = _marks(session, lesson)
    return [learner for learner in expected_learners(session, lesson) if learner.id not in marks]


def fill_everyone_present(
    lesson: Lesson, rows: Sequence[Row], entered: dict[int, Mark], remarks: dict[int, str]
) -> dict[int, Mark]:
    """The grid as entered, with every row that has no status yet (saved or entered) set to present.

    Saves nothing: the teacher sees the result and saves it with the normal save button, so a saved
    "absent with notice" and any unsaved edits stay as they are.
    """
    filled = dict(entered)
    for row in rows:
        lid = pk(row.learner)
        if lid not in filled and row.attendance is None:
            filled[lid] = Mark(lid, AttendanceStatus.PRESENT, lesson.minutes, remarks.get(lid, ""))
    return filled


def may_sign(session: Session, user: User, lesson: Lesson) -> bool:
    """A teacher of the class, or a provider admin, signs the register."""
    if user.role == Role.PROVIDER_ADMIN:
        return True
    stmt = sa.select(ClassTeacher).where(
        col(ClassTeacher.class_id) == lesson.class_id, col(ClassTeacher.user_id) == user.id
    )
    return user.role == Role.TEACHER and session.execute(stmt).first() is not None


def save_register(
    session: Session,
    lesson: Lesson,
    marks: Sequence[Mark],
    *,
    user: User,
    version: int,
    now: datetime,
    reason: str = "",
) -> int:
    """Validate and store the whole grid; returns the number of rows changed."""
    _check_lesson(lesson, user, now, reason)
    expected = {pk(learner) for learner in expected_learners(session, lesson)}
    expected |= {pk(row.learner) for row in register_rows(session, lesson)} if lesson.signed else set()
    cleaned = [_clean(lesson, mark, expected, now, index) for index, mark in enumerate(marks)]
    _claim_version(session, lesson, version)
    current = {
        a.learner_id: a
        for a in session.execute(
            sa.select(Attendance).where(col(Attendance.lesson_id) == lesson.id)).scalars()
    }
    changes = [change for mark in cleaned
               if (change := _store(session, lesson, mark, current.get(mark.learner_id), user, reason))]
    if changes:  # the audit rows in one statement (the ORM inserted them one by one on SQLite)
        session.execute(sa.insert(AttendanceChange), changes)
    changed = len(changes)
    lesson.register_taken_at = lesson.register_taken_at or utcnow()
    session.flush()
    return changed


def _check_lesson(lesson: Lesson, user: User, now: datetime, reason: str) -> None:
    if lesson.status == LessonStatus.CANCELLED:
        raise RegisterError("lesson", _l("This lesson was cancelled; it has no register."))
    if lesson.signed:
        if user.role != Role.PROVIDER_ADMIN:
            raise RegisterError("lesson", _l("This register is signed and locked; ask a provider admin."))
        if not reason.strip():
            raise RegisterError("reason", _l("Give a reason for changing a signed register."))


def _clean(lesson: Lesson, mark: Mark, expected: set[int], now: datetime, index: int) -> Mark:
    where = f"row {index + 1}"
    if mark.learner_id not in expected:
        raise RegisterError(where, _l("This learner is not enrolled in the class on this date."))
    try:
        status = AttendanceStatus(mark.status)
    except ValueError as exc:
        raise RegisterError(where, _l("Unknown attendance status.")) from exc
    if status != AttendanceStatus.ABSENT_NOTICE and now < lesson_start(lesson.lesson_date, lesson.start_time):
        raise RegisterError(where, _l("The lesson has not started: only absence with notice can be entered."))
    minutes = mark.minutes if mark.minutes is not None else (lesson.minutes if status in ATTENDED else 0)
    if not 0 <= minutes <= lesson.minutes:
        raise RegisterError(where, _l("Minutes must lie between 0 and %(n)s.", n=lesson.minutes))
    if status not in ATTENDED and minutes:
        raise RegisterError(where, _l("An absent learner has 0 minutes."))
    return Mark(mark.learner_id, status, minutes, mark.remark.strip()[:300])


def _claim_version(session: Session, lesson: Lesson, version: int) -> None:
    claimed = session.execute(
        sa.update(Lesson).where(col(Lesson.id) == lesson.id, col(Lesson.version) == version)
        .values(version=version + 1)
    )
    if changed_rows(claimed) != 1:  # the caller's unit of work rolls back
        raise StaleRegisterError(
            "lesson",
            _l(
                "Someone else saved this register while you had it open. Your entries were not saved; "
                "the page now shows the current register."
            ),
        )
    lesson.version = version + 1


def _snapshot(a: Attendance | None) -> dict[str, object] | None:
    return None if a is None else {"status": a.status, "minutes": a.minutes, "remark": a.remark}


def _store(
    session: Session, lesson: Lesson, mark: Mark, row: Attendance | None, user: User, reason: str
) -> dict[str, object] | None:
    """Stage the mark; its audit row (for the caller to insert), or None when nothing changed."""
    new = {"status": mark.status, "minutes": mark.minutes, "remark": mark.remark}
    old = _snapshot(row)
    if old == new:
        return None
    if row is None:
        row = Attendance(learner_id=mark.learner_id, lesson_id=pk(lesson), status=mark.status)
        session.add(row)
    row.status, row.minutes, row.remark = mark.status, mark.minutes or 0, mark.remark
    row.updated_at, row.updated_by_id = utcnow(), user.id
    return dict(lesson_id=lesson.id, learner_id=mark.learner_id, changed_by_id=user.id, changed_at=utcnow(),
                old=old, new=new, reason=reason.strip()[:300])


def sign_register(session: Session, lesson: Lesson, user: User, now: datetime) -> None:
    """Sign the register off, which locks it; every expected learner must have a status."""
    if not may_sign(session, user, lesson):
        raise RegisterError("lesson", _l("Only a teacher of this class or a provider admin may sign."))
    if lesson.signed:
        raise RegisterError("lesson", _l("This register is already signed."))
    if now < lesson_start(lesson.lesson_date, lesson.start_time):
        raise RegisterError("lesson", _l("A register can be signed once the lesson has started."))
    missing = [r.learner.full_name for r in register_rows(session, lesson) if r.attendance is None]
    if missing:
        raise RegisterError(
            "lesson", _l("Not everyone has a status yet: %(names)s.", names=", ".join(missing))
        )
    lesson.signed_at, lesson.signed_by_id = utcnow(), user.id
    session.flush()


def confirm_presence(session: Session, lesson: Lesson, learner: Learner, user: User, now: datetime) -> None:
    """The learner's own confirmation during the lesson (norm 2.9.3: own login, own initials)."""
    start = lesson_start(lesson.lesson_date, lesson.start_time)
    end = lesson_start(lesson.lesson_date, lesson.end_time)
    if lesson.status == LessonStatus.CANCELLED or not (start <= now <= end):
        raise RegisterError("code", _l("You can confirm your presence only during the lesson."))
    if lesson.signed:
        raise RegisterError("code", _l("This register is already signed."))
    if learner.id not in {x.id for x in expected_learners(session, lesson)}:
        raise RegisterError("code", _l("You are not enrolled in this lesson."))
    row = session.execute(
        sa.select(Attendance)
        .where(col(Attendance.lesson_id) == lesson.id, col(Attendance.learner_id) == learner.id)
    ).scalar_one_or_none()
    if row is None:
        row = Attendance(
            learner_id=pk(learner),
            lesson_id=pk(lesson),
            status=AttendanceStatus.PRESENT,
            minutes=lesson.minutes,
            updated_by_id=user.id,
        )
        session.add(row)
        session.add(
            AttendanceChange(
                lesson_id=pk(lesson),
                learner_id=pk(learner),
                changed_by_id=user.id,
                old=None,
                new={"status": row.status, "minutes": row.minutes, "remark": ""},
                reason="self-confirmed",
            )
        )
    row.confirmed_at = now  # the moment the portal's clock says the learner confirmed
    # The register changed under any teacher who has it open: their save must meet the version check
    # (a 409) instead of overwriting this confirmation with the grid they loaded before it.
    session.execute(
        sa.update(Lesson).where(col(Lesson.id) == lesson.id).values(version=col(Lesson.version) + 1))


def confirm_with_code(
    session: Session, lesson: Lesson, learner: Learner, user: User, code: str, secret: str, now: datetime
) -> RegisterError | None:
    """Check the learner's code and confirm; None when confirmed. A wrong code is recorded and its
    refusal returned, not raised: the caller commits the record, then shows the refusal. After
    MAX_FAILURES wrong codes for this lesson even the right one is refused (the teacher registers the
    learner instead); that refusal, and any other, is raised.

    The attempt's slot (`col(PresenceFailure.attempt)`) is taken before the code is compared: the unique key
    makes a parallel request for the same slot wait (until its transaction ends) and then fail, so
    parallel requests never get more than MAX_FAILURES codes compared. A right code gives its slot back.
    """
    failed = session.execute(
        sa.select(sa.func.count()).select_from(PresenceFailure).where(
            col(PresenceFailure.lesson_id) == lesson.id, col(PresenceFailure.learner_id) == learner.id
        )
    ).scalar_one()
    if failed >= MAX_FAILURES:
        raise RegisterError("code", _l(
            "Too many wrong codes for this lesson. Ask your teacher to register your presence."
        ))
    slot = PresenceFailure(lesson_id=pk(lesson), learner_id=pk(learner), attempt=failed + 1,
                           at=now)
    session.add(slot)
    try:
        session.flush()
    except IntegrityError as exc:  # another attempt of this learner took the slot at the same moment
        raise RegisterError("code", _l("Another attempt is being checked. Try again.")) from exc
    if code_is_valid(secret, pk(lesson), code, now):
        session.delete(slot)
        confirm_presence(session, lesson, learner, user, now)
        return None
    row = session.get(Attendance, (learner.id, lesson.id))
    snapshot = _snapshot(row) or {"status": None, "minutes": 0, "remark": ""}
    session.add(AttendanceChange(
        lesson_id=pk(lesson), learner_id=pk(learner), changed_by_id=user.id,
        old=_snapshot(row), new=snapshot, reason="wrong-presence-code",
    ))
    session.flush()
    log.warning("wrong presence code: lesson %s, learner %s, attempt %s of %s",
                lesson.id, learner.id, failed + 1, MAX_FAILURES)
    left = MAX_FAILURES - failed - 1
    if not left:
        return RegisterError("code", _l(
            "This code is not valid, and that was your last try for this lesson. "
            "Ask your teacher to register your presence."
        ))
    return RegisterError("code", _l(
        "This code is not (or no longer) valid. Type the code the teacher shows now. "
        "Tries left for this lesson: %(n)s.", n=left,
    ))


@dataclass(frozen=True)
class FailureRow:
    learner_name: str
    count: int
    times: list[datetime]


def presence_failures(session: Session, lesson: Lesson) -> list[FailureRow]:
    """Wrong presence codes typed for this lesson, per learner (by name), with the times."""
    rows = session.execute(
        sa.select(col(PresenceFailure.at), col(Learner.id),
                  col(Learner.first_name) + " " + col(Learner.last_name))
        .join(Learner, col(Learner.id) == col(PresenceFailure.learner_id))
        .where(col(PresenceFailure.lesson_id) == lesson.id)
        .order_by(col(Learner.last_name), col(Learner.first_name), col(Learner.id), col(PresenceFailure.at))
    ).all()
    by_learner: dict[int, FailureRow] = {}
    for at, learner_id, name in rows:
        by_learner.setdefault(learner_id, FailureRow(name, 0, [])).times.append(at)
    return [FailureRow(row.learner_name, len(row.times), row.times) for row in by_learner.values()]


@dataclass(frozen=True)
class ChangeRow:
    change: AttendanceChange
    who: str
    learner_name: str
    lesson_date: date


# The changes a register or learner page shows before "Show all changes": a learner's trail grows
# with every save of every register they are on, and rendering it was most of the page's CPU.
CHANGES_SHOWN = 25


def changes_for(
    session: Session, *, lesson_id: int | None = None, learner_id: int | None = None, limit: int | None = None
) -> list[ChangeRow]:
    """The audit trail of a lesson or a learner, newest first, with who changed whom on which day;
    the newest `limit` only, when given."""
    stmt = (
        sa.select(
            AttendanceChange, col(User.name), col(Learner.first_name) + " " + col(Learner.last_name),
            col(Lesson.lesson_date),
        )
        .outerjoin(User, col(User.id) == col(AttendanceChange.changed_by_id))
        .join(Learner, col(Learner.id) == col(AttendanceChange.learner_id))
        .join(Lesson, col(Lesson.id) == col(AttendanceChange.lesson_id))
    )
    if lesson_id is not None:
        stmt = stmt.where(col(AttendanceChange.lesson_id) == lesson_id)
    if learner_id is not None:
        stmt = stmt.where(col(AttendanceChange.learner_id) == learner_id)
    stmt = stmt.order_by(col(AttendanceChange.changed_at).desc(), col(AttendanceChange.id).desc())
    rows = session.execute(stmt if limit is None else stmt.limit(limit))
    return [ChangeRow(change, who or "", name, day) for change, who, name, day in rows]


def shown_changes(session: Session, everything: bool, **which: int | None) -> tuple[list[ChangeRow], bool]:
    """(the changes a page shows, whether there are more): the newest CHANGES_SHOWN, or all of them
    when the reader asked for everything. One statement: it reads one row more to know."""
    if everything:
        return changes_for(session, **which), False
    rows = changes_for(session, limit=CHANGES_SHOWN + 1, **which)
    return rows[:CHANGES_SHOWN], len(rows) > CHANGES_SHOWN
