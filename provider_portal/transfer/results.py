"""DUO's exam result file: one row per attempt (columns in docs/imports.md), checked row by row,
stored all at once or not at all; a learner whose last component is passed has the obligation met."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.exam_path.obligation import derive_from_results
from provider_portal.exam_path.results import ResultData, stage_result
from provider_portal.models import Learner
from provider_portal.service_errors import DomainError
from provider_portal.transfer import cells
from provider_portal.transfer.columns import Column, RowError, RowReader
from provider_portal.transfer.tables import Table
from provider_portal.transfer.validation import Lookups, _check, _choice, _learner

RESULT_COLUMNS = (
    Column("bsn"),
    Column("onderdeel", ("component", "examenonderdeel", "exam_component")),
    Column("examendatum", ("exam_date", "datum", "date")),
    Column("niveau", ("level",)),
    Column("uitslag", ("result", "resultaat")),
    Column("poging", ("attempt", "pogingnummer"), required=False),
)
COMPONENTS = {"lezen": "lezen", "reading": "lezen", "luisteren": "luisteren", "listening": "luisteren",
              "schrijven": "schrijven", "writing": "schrijven", "spreken": "spreken", "speaking": "spreken",
              "knm": "KNM", "ona": "ONA"}
OUTCOMES = {"geslaagd": True, "behaald": True, "voldoende": True, "passed": True, "pass": True, "v": True,
            "gezakt": False, "niet_behaald": False, "onvoldoende": False, "failed": False, "fail": False,
            "o": False}
LEVELS = {"a2": "A2", "b1": "B1"}
# Service refusals by field, mapped to the file's column.
FIELD_COLUMNS = {"component": "onderdeel", "attempt": "poging", "exam_date": "examendatum"}


def validate_results(table: Table, learner_ids: dict[str, int], today: date) -> tuple[list, list[RowError]]:
    """Every row checked: a known learner, a component, a date not in the future, A2/B1, a result."""
    lookups = Lookups(learner_ids=learner_ids)
    seen: dict[tuple[str, str, int], int] = {}
    seen_sittings: dict[tuple[str, str, date], int] = {}

    def row(r: RowReader) -> tuple[int, ResultData] | None:
        learner_id = _learner(r, lookups)
        component = r.get("onderdeel", _choice(
            COMPONENTS, _l("use lezen, luisteren, schrijven, spreken, KNM or ONA")))
        exam_date = r.get("examendatum", cells.parse_date)
        if exam_date is not None and exam_date > today:
            r.fail("examendatum", _l("lies in the future"))
        level = r.get("niveau", _choice(LEVELS, _l("use A2 or B1")))
        passed = r.get("uitslag", _choice(OUTCOMES, _l("use geslaagd or gezakt")))
        attempt = r.get("poging", _attempt, optional=True)
        if component is not None and exam_date is not None:
            sitting = (r.raw("bsn"), str(component), exam_date)
            if sitting in seen_sittings:  # one sitting a day: a doubled row would count as a second attempt
                r.fail("examendatum", _l("this learner's result of this component on this date appears "
                                         "more than once in the file (also row %(row)s)",
                                         row=seen_sittings[sitting]))
            else:
                seen_sittings[sitting] = r.number
        if attempt is not None and component is not None:
            key = (r.raw("bsn"), str(component), attempt)
            if key in seen:
                r.fail("poging", _l("appears more than once in the file (also row %(row)s)", row=seen[key]))
            else:
                seen[key] = r.number
        if r.errors or learner_id is None:
            return None
        return learner_id, ResultData(str(component), exam_date, str(level), bool(passed), attempt)  # type: ignore[arg-type]

    checked = _check(table, RESULT_COLUMNS, row)
    return checked.items, checked.errors


def _attempt(value: object) -> int:
    number = cells.parse_int(value)
    cells.in_range(number, 1, 20)
    return number


Rows = list[tuple[int, tuple[int, ResultData]]]


def stage_results(session: Session, user_id: int | None) -> Callable[[Rows], list[RowError]]:
    """Stage rows in file order (attempts in order), then derive the obligation of each learner."""
    def stage_all(items: Rows) -> list[RowError]:
        ids = {learner_id for _n, (learner_id, _d) in items}
        # locked, so two imports at once never both record the same learner's obligation
        stmt = sa.select(Learner).where(col(Learner.id).in_(ids)).with_for_update()
        learners = {x.id: x for x in session.execute(stmt).scalars()}
        errors: list[RowError] = []
        ordered = sorted(items, key=lambda item: (item[1][1].exam_date, item[1][1].attempt or 0, item[0]))
        for number, (learner_id, data) in ordered:
            try:
                stage_result(session, learners[learner_id], data, "import", user_id)
                session.flush()
            except DomainError as exc:
                errors.append(RowError(number, FIELD_COLUMNS.get(exc.field, exc.field), exc.message))
        if not errors:
            for learner in learners.values():
                derive_from_results(session, learner, user_id)
        return sorted(errors)
    return stage_all
