"""A change of e-mail address waits for the link sent to the new address.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 06:00:00
"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'email_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('new_email', sa.String(length=254), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('expires_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('used_at', models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_email_change_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_change')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_email_change_token_hash')))
    with op.batch_alter_table('email_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_change_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('email_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_change_user_id'))
    op.drop_table('email_change')
