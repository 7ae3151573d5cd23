"""E-mailed links serve one purpose: logging in once, or setting a new password once.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 05:00:00

The links already sent stay login links (the server default).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=16), nullable=False,
                                      server_default='login'))


def downgrade():
    # A reset link is no login link: it goes rather than becoming one.
    op.execute("DELETE FROM login_link WHERE purpose <> 'login'")
    with op.batch_alter_table('login_link', schema=None) as batch_op:
        batch_op.drop_column('purpose')
