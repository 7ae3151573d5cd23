"""Mail claims on notifications, so two send-mail runs at once never e-mail one twice.

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-22 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', models.base.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_claim_token'), ['claim_token'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_claim_token'))
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claim_token')
