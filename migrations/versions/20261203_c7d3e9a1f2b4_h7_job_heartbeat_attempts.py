"""h7: job.heartbeat_at and job.attempts, so a job left running by a dead jobs process is noticed

The jobs process writes heartbeat_at on claim, on progress and every few seconds while a job
runs; the reaper fails (or, for idempotent kinds, re-queues up to JOBS_MAX_ATTEMPTS) running
jobs whose heartbeat is older than JOBS_STALE_SECONDS. Jobs already stored have no heartbeat and
no attempt yet; a job RUNNING at upgrade time has a NULL heartbeat and is reaped on the first tick.

Revision ID: c7d3e9a1f2b4
Revises: 3f9d2c6a1b07
Create Date: 2026-12-03 04:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from provider_portal.models.types import UTCDateTime

revision: str = 'c7d3e9a1f2b4'
down_revision: str | None = '3f9d2c6a1b07'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('heartbeat_at')
