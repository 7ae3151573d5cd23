"""Events have a time zone of their own (an IANA name; Europe/Warsaw for those made before).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 17:45:00
"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exchange_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False,
                                      server_default='Europe/Warsaw'))


def downgrade():
    with op.batch_alter_table('exchange_event', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
