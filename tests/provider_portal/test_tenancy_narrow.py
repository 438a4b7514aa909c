"""The tenant filter attaches only the criteria of the entities a statement reads, with the same SQL.

Each statement shape the portal uses (an entity, columns, joins, outer joins, IN and EXISTS
subqueries, a paginated count over a subquery, aliases, a UNION, a CTE, a scalar subquery, a Core
table) is compiled for each kind of scope with the narrowed options and with all of them: the SQL
and its bound values must be equal. The pages' own statements are checked the same way while the
tenancy, access and walk tests run (`tenancy_check.full_filter_check`).
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import aliased

from provider_portal.hours.service import _held_lessons
from provider_portal.learners.service import LearnerFilter, search_statement
from provider_portal.models import (
    Attendance,
    Contract,
    CourseClass,
    Enrolment,
    ExamLocation,
    Learner,
    LearnerLanguage,
    Lesson,
    PresenceFailure,
    User,
    UserSession,
)
from provider_portal.tenancy import TenantScope, _options, entities_of, scoped_statement
from tests.provider_portal.tenancy_check import assert_same_filter

SCOPES = {
    "provider admin": TenantScope(user_id=1, provider_id=7),
    "teacher": TenantScope(user_id=2, provider_id=7, teacher_id=2),
    "learner": TenantScope(user_id=3, provider_id=7, learner_id=11),
    "planner": TenantScope(user_id=4, municipalities=("Amersfoort", "Utrecht")),
}
sessions = UserSession.__table__  # type: ignore[attr-defined]
shared = sa.select(Enrolment.learner_id).where(Enrolment.class_id == 5).cte("shared")
other = aliased(Learner)

STATEMENTS = {
    "entity": (sa.select(Learner).where(Learner.id == 5), {Learner}),
    "columns of a join with an outer join": (
        sa.select(Lesson, CourseClass, Attendance)
        .join(CourseClass, CourseClass.id == Lesson.class_id)
        .outerjoin(Attendance, sa.and_(Attendance.lesson_id == Lesson.id, Attendance.learner_id == 3)),
        {Lesson, CourseClass, Attendance},
    ),
    "join without an on-clause target in a column list": (
        sa.select(Enrolment.id, CourseClass.name).join(CourseClass), {Enrolment, CourseClass}),
    "hours: lessons held while enrolled": (_held_lessons(3, date(2026, 1, 1), date(2026, 3, 1)),
                                            {Lesson, CourseClass, Enrolment, Attendance}),
    "IN subquery": (
        sa.select(Learner).where(
            Learner.id.in_(sa.select(Enrolment.learner_id).where(Enrolment.class_id == 5))),
        {Learner, Enrolment},
    ),
    "paginated count of a search by language": (
        sa.select(sa.func.count()).select_from(
            search_statement(LearnerFilter(q="ami", language="ar")).order_by(None).subquery()),
        {Learner, LearnerLanguage},
    ),
    "count from select_from": (
        sa.select(sa.func.count()).select_from(PresenceFailure).where(PresenceFailure.lesson_id == 1),
        {PresenceFailure},
    ),
    "aggregate": (
        sa.select(sa.func.sum(Contract.purchased_hours)).where(Contract.learner_id == 3), {Contract}),
    "alias": (sa.select(other.id, Learner.id).join(other, other.bsn == Learner.bsn), {Learner}),
    "correlated EXISTS": (
        sa.select(Learner).where(sa.exists().where(Contract.learner_id == Learner.id)), {Learner, Contract}),
    "scalar subquery": (
        sa.select(Learner.id, sa.select(sa.func.count(Attendance.lesson_id))
                  .where(Attendance.learner_id == Learner.id).scalar_subquery()),
        {Learner, Attendance},
    ),
    "UNION": (
        sa.union(sa.select(Learner.id).where(Learner.municipality == "Utrecht"),
                 sa.select(Contract.learner_id)),
        {Learner, Contract},
    ),
    "CTE": (sa.select(Learner).join(shared, shared.c.learner_id == Learner.id), {Learner, Enrolment}),
    "log-in check through a Core table": (
        sa.select(User).join(sessions, sessions.c.user_id == User.id).where(sessions.c.token_hash == "x"),
        {User},
    ),
    "a global table": (sa.select(ExamLocation), {ExamLocation}),
    "a Core table alone": (sa.select(sessions.c.id), set()),
}


@pytest.mark.parametrize("scope", SCOPES, ids=str)
@pytest.mark.parametrize("shape", STATEMENTS, ids=str)
def test_the_narrowed_filter_is_the_whole_filter(shape: str, scope: str) -> None:
    statement, entities = STATEMENTS[shape]
    assert set(entities_of(statement)) == entities
    assert_same_filter(statement, SCOPES[scope])


def test_a_statement_carries_the_criteria_of_its_entities_only() -> None:
    scope = SCOPES["teacher"]
    statement = STATEMENTS["columns of a join with an outer join"][0]
    narrowed = scoped_statement(statement, scope)
    assert len(narrowed._with_options) == 3 < len(_options(scope)) // 5
    assert scoped_statement(STATEMENTS["a Core table alone"][0], scope) is STATEMENTS["a Core table alone"][0]


def test_the_narrowed_filter_still_filters() -> None:
    sql = str(scoped_statement(sa.select(Learner), SCOPES["teacher"]).compile())
    assert "class_teacher" in sql and "provider_id" in sql  # the teacher's classes, the provider
