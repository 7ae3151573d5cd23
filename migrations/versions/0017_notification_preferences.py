"""Notification preferences per kind, and digests: which notifications wait for one, and
which digest (one per user and period) carried them.

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-07 15:00:00
"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification_preference',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_notification_preference_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preference')),
        sa.UniqueConstraint('user_id', 'kind', name='uq_notification_preference_user_id_kind'))
    with op.batch_alter_table('notification_preference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_preference_user_id'), ['user_id'],
                              unique=False)
    op.create_table(
        'notification_digest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('cadence', sa.String(length=10), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('claim_token', sa.String(length=32), nullable=False),
        sa.Column('claimed_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('sent_at', models.base.UTCDateTime(), nullable=True),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_notification_digest_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_digest')),
        sa.UniqueConstraint('user_id', 'cadence', 'period',
                            name='uq_notification_digest_user_id_cadence_period'))
    with op.batch_alter_table('notification_digest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_digest_user_id'), ['user_id'],
                              unique=False)
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('digest_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_digest'), ['digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_digest_id'), ['digest_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notification_digest_id_notification_digest'),
                                    'notification_digest', ['digest_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_digest_id_notification_digest'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notification_digest_id'))
        batch_op.drop_index(batch_op.f('ix_notification_digest'))
        batch_op.drop_column('digest_id')
        batch_op.drop_column('digest')
    with op.batch_alter_table('notification_digest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_digest_user_id'))
    op.drop_table('notification_digest')
    with op.batch_alter_table('notification_preference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_preference_user_id'))
    op.drop_table('notification_preference')
