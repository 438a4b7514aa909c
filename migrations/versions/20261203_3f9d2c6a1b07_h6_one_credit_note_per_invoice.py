"""h6: at most one credit note per invoice (unique corrects_id)

A correction is one credit note for the whole invoice plus a new invoice, so no invoice is ever
corrected twice; two credit requests at once made duplicates before issue 16. The index makes
that impossible. Credit notes are issued, hash-chained documents that must not be deleted, so
existing duplicates are not removed here: the upgrade stops and names them for a human decision.

Revision ID: 3f9d2c6a1b07
Revises: f593ab8449fb
Create Date: 2026-12-03 03:55:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3f9d2c6a1b07'
down_revision: str | None = 'f593ab8449fb'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    duplicates = op.get_bind().execute(
        sa.text(
            "SELECT corrects_id, COUNT(*) FROM invoice WHERE corrects_id IS NOT NULL "
            "GROUP BY corrects_id HAVING COUNT(*) > 1 ORDER BY corrects_id"
        )
    ).all()
    if duplicates:
        found = ", ".join(f"invoice id {invoice_id} ({count} credit notes)" for invoice_id, count in duplicates)
        raise RuntimeError(
            "Some invoices have more than one credit note (made by simultaneous requests before "
            f"issue 16): {found}. They are issued, hash-chained documents, so this migration does "
            "not touch them; decide with finance how to settle them with DUO and clear the "
            "duplicates (e.g. from a backup taken before they were made), then upgrade again."
        )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index('uq_invoice_corrects_id', ['corrects_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('uq_invoice_corrects_id')
