"""h17l: an index on attendance.lesson_id, so a lesson's register is read by index

The primary key (learner_id, lesson_id) leads with the learner, so every read of a lesson's
register (the register page, its save, the presence confirmation, the attendance report) scanned
the whole attendance table: on the load benchmark's year of registers (300,000 rows) 17 ms of
PostgreSQL's CPU per register page, the largest single statement of the page (issue 17).

Revision ID: 4b17d1e5a0c3
Revises: e1a2b3c4d5f6
Create Date: 2026-12-03 14:20:00.000000
"""
from collections.abc import Sequence

from alembic import op

revision: str = '4b17d1e5a0c3'
down_revision: str | None = 'e1a2b3c4d5f6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_lesson_id'), ['lesson_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_lesson_id'))
