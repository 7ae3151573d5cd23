"""An organization's consent to publish its exchanges as open data (issue 18, "Open data"):
a contract is published (as a ValueFlows Agreement) only when every party consented.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 23:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE ADD COLUMN: no rebuild of `organization` on SQLite; off for everyone.
    op.add_column('organization', sa.Column('publishes_open_data', sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    if op.get_bind().dialect.name != 'sqlite':  # the default filled the existing rows
        op.alter_column('organization', 'publishes_open_data', server_default=None)


def downgrade():
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_column('publishes_open_data')
