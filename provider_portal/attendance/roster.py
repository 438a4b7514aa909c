"""Who a lesson's register counts: a signed register is frozen as it was signed.

While a register is open, it lists the learners enrolled on the lesson's date. Once signed
(Keurmerk norm 2.9.2), it lists exactly the learners it was signed with, the ones with a row on
it: a later enrolment, even one backdated before the lesson, never adds anybody to it. A provider
admin may still add a learner through the audited correction path (a change with a reason), and
that new row then puts the learner on the register.

Every count built on registers (hours, attendance rates, alerts, exports) uses `counts_at_lesson`,
so a learner enrolled after signing is never counted absent on a signed lesson.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm
from sqlmodel import col

from provider_portal.models import Attendance, Lesson


def counts_at_lesson(learner_id: object) -> sa.ColumnElement[bool]:
    """SQL: the lesson's register counts this learner (an open register, or a signed one listing them).

    `learner_id` is a column or a value; use with `Lesson` in the query and the enrolment
    condition alongside it.
    """
    mark = sa.orm.aliased(Attendance)  # its own alias: never correlated with an Attendance in the query
    on_register = sa.exists().where(col(mark.lesson_id) == col(Lesson.id), col(mark.learner_id) == learner_id)
    return sa.or_(col(Lesson.signed_at).is_(None), on_register)
