"""h7: drop APScheduler's former job-store table

The jobs process keeps only its ticks, in memory: scheduled work is derived on every tick and
made idempotent by the job's unique dedupe key (issue 13), so nothing is remembered in a job store
(which APScheduler's documentation says must never be shared by two schedulers anyway).

Revision ID: d8e4f0b2a3c5
Revises: c7d3e9a1f2b4
Create Date: 2026-12-03 04:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd8e4f0b2a3c5'
down_revision: str | None = 'c7d3e9a1f2b4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('apscheduler_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apscheduler_jobs_next_run_time'))
    op.drop_table('apscheduler_jobs')


def downgrade() -> None:
    op.create_table(
        'apscheduler_jobs',
        sa.Column('id', sa.Unicode(length=191), nullable=False),
        sa.Column('next_run_time', sa.Float(precision=25), nullable=True),
        sa.Column('job_state', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_apscheduler_jobs')),
    )
    with op.batch_alter_table('apscheduler_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_apscheduler_jobs_next_run_time'), ['next_run_time'], unique=False)
