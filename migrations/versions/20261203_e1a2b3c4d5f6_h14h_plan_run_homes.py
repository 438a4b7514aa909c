"""h14h: a run records how many homes were placed at the learner's place vs the municipality's centre

Runs from before stay without the count (NULL): the run page then says nothing about it.

Revision ID: e1a2b3c4d5f6
Revises: 7e21c4b9d0a3
Create Date: 2026-12-03 10:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e1a2b3c4d5f6'
down_revision: str | None = '7e21c4b9d0a3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('plan_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('homes', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('plan_run', schema=None) as batch_op:
        batch_op.drop_column('homes')
