"""Which desk opened a queued phone deal, so that other desks show it as taken.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 18:00:00
"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_deal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('taken_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('taken_at', models.base.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_event_deal_taken_by_id_user'), 'user',
                                    ['taken_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('event_deal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_deal_taken_by_id_user'), type_='foreignkey')
        batch_op.drop_column('taken_at')
        batch_op.drop_column('taken_by_id')
