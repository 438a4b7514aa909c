"""h13: job.active_key (one queued or running job per key) and import_upload (large imports' files)

`job.active_key` carries a partial unique index over the jobs that are queued or running, so a
second identical solver run (a double click on "Run starten") cannot be queued while the first is
queued or running, on PostgreSQL and SQLite alike; finished jobs leave the index. `import_upload`
holds the file of an import large enough to run in the jobs process until that job has read it.

Revision ID: f37c0809805c
Revises: c5d6e7f8a9b0
Create Date: 2026-12-03 07:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from provider_portal.models.types import UTCDateTime

revision: str = 'f37c0809805c'
down_revision: str | None = 'c5d6e7f8a9b0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status IN ('queued', 'running')")


def upgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active_key', sa.String(length=200), nullable=True))
    op.create_index('uq_job_active_key', 'job', ['active_key'], unique=True,
                    postgresql_where=ACTIVE, sqlite_where=ACTIVE)
    op.create_table(
        'import_upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['provider_id'], ['provider.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_import_upload_provider_id'), 'import_upload', ['provider_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_import_upload_provider_id'), table_name='import_upload')
    op.drop_table('import_upload')
    op.drop_index('uq_job_active_key', table_name='job')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('active_key')
