"""h12c: a policy setting can be marked as a demo value

The exemption's required attempts were lowered from 4 to 3 (domain.md), but no source names the day
the change took effect. The demo seeds the lower figure from a day it picks and marks that row
`demo_value`, so the platform admin's page labels it and lets the admin correct it; a correction
clears the mark. Settings added by an admin are never demo values.

Revision ID: 7e21c4b9d0a3
Revises: e1f4a7c2d9b6
Create Date: 2026-12-03 10:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7e21c4b9d0a3'
down_revision: str | None = 'e1f4a7c2d9b6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('policy_setting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('demo_value', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('policy_setting', schema=None) as batch_op:
        batch_op.drop_column('demo_value')
