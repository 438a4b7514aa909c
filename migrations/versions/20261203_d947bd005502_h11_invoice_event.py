"""h11: invoice_event, changes to issued documents sealed in the provider's hash chain

Every status change, payment, freed slot (credit note) and DUO batch of an issued document from
now on is an event that takes the next position of the provider's `H` chain. Nothing already issued
is re-sealed: documents issued before keep their (version 1) hash, and their status is checked from
their first event on (docs/invoicing.md, "Hash chain").

Revision ID: d947bd005502
Revises: f14e305162fc
Create Date: 2026-12-03 04:31:22.256389
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import provider_portal.models.types

revision: str = 'd947bd005502'
down_revision: str | None = 'f14e305162fc'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('invoice_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('chain_index', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('status_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('paid_cents', sa.Integer(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('duo_batch', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('slot', sa.Boolean(), nullable=True),
    sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', provider_portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_invoice_event_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_invoice_event_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_event')),
    sa.UniqueConstraint('provider_id', 'chain_index', name='uq_invoice_event_chain')
    )
    with op.batch_alter_table('invoice_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_event_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_event_provider_id'), ['provider_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('invoice_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_event_provider_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_event_invoice_id'))

    op.drop_table('invoice_event')
