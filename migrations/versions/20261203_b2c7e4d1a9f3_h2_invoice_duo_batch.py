"""invoice: duo_batch, the DUO batch file a document was sent in (h2)

A document goes into one DUO batch only: the next export (e.g. of a credit note made afterwards)
lists only documents whose duo_batch is still NULL. Documents stored before this migration have
no record of having been exported, so they count as not sent yet.

Revision ID: b2c7e4d1a9f3
Revises: a4f2a0943e7c
Create Date: 2026-12-03 03:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b2c7e4d1a9f3'
down_revision: str | None = 'a4f2a0943e7c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duo_batch', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_column('duo_batch')
