"""h12b: learners' consent to share progress with the municipality (and its audit), addresses for letters

`learner_consent` holds each learner's consent as it stands, `consent_event` every change to it.
Learners get a street address and a place of residence, exam locations an address, providers a phone
number and e-mail address: the exam invitation letters name all of them.

Revision ID: b12c0a5e7d31
Revises: f37c0809805c
Create Date: 2026-12-03 07:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import provider_portal.models.types

revision: str = 'b12c0a5e7d31'
down_revision: str | None = 'f37c0809805c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('learner_consent',
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('share_hours', sa.Boolean(), nullable=False),
    sa.Column('share_modules', sa.Boolean(), nullable=False),
    sa.Column('share_exams', sa.Boolean(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('updated_at', provider_portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], name=op.f('fk_learner_consent_learner_id_learner'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('learner_id', name=op.f('pk_learner_consent'))
    )
    op.create_table('consent_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', provider_portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('old', sa.JSON(), nullable=True),
    sa.Column('new', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_consent_event_changed_by_id_user')),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], name=op.f('fk_consent_event_learner_id_learner'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_event'))
    )
    with op.batch_alter_table('consent_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_event_learner_id'), ['learner_id'], unique=False)
    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('street_address', sqlmodel.sql.sqltypes.AutoString(length=120),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=False, server_default=''))
    with op.batch_alter_table('exam_location', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.drop_column('email')
        batch_op.drop_column('phone')
    with op.batch_alter_table('exam_location', schema=None) as batch_op:
        batch_op.drop_column('address')
    with op.batch_alter_table('learner', schema=None) as batch_op:
        batch_op.drop_column('place')
        batch_op.drop_column('street_address')
    with op.batch_alter_table('consent_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_event_learner_id'))
    op.drop_table('consent_event')
    op.drop_table('learner_consent')
