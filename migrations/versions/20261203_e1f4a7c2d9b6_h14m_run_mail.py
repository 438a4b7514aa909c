"""h14m: run_mail, what a published run e-mailed to whom (one row per run, kind and recipient)

The unique key (run_id, kind, recipient_id) makes sending idempotent: a double click or a retried
job finds the row and never sends the same letter or list twice.

Revision ID: e1f4a7c2d9b6
Revises: 65ce50f744f3
Create Date: 2026-12-03 10:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from provider_portal.models.types import UTCDateTime

revision: str = 'e1f4a7c2d9b6'
down_revision: str | None = '65ce50f744f3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'run_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('recipient_name', sa.String(length=200), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('sent_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['plan_run.id'], name=op.f('fk_run_mail_run_id_plan_run'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_run_mail')),
        sa.UniqueConstraint('run_id', 'kind', 'recipient_id', name='uq_run_mail_recipient'),
    )
    op.create_index(op.f('ix_run_mail_run_id'), 'run_mail', ['run_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_run_mail_run_id'), table_name='run_mail')
    op.drop_table('run_mail')
