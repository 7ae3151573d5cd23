"""Calendar feed addresses belong to members, not organizations, so a removed member's dies.

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-07 01:00:00

The organizations' shared addresses are dropped rather than handed to one member: nobody
knows who subscribed to them. Members get their own address on the calendar page.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_membership_calendar_token'),
                                          ['calendar_token'])

    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organization_calendar_token'), type_='unique')
        batch_op.drop_column('calendar_token')


def downgrade():
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_organization_calendar_token'),
                                          ['calendar_token'])

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_membership_calendar_token'), type_='unique')
        batch_op.drop_column('calendar_token')
