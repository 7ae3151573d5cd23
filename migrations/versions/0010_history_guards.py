"""Contract history kept whatever SQL is run: no REPLACE over it on SQLite, no deleting a contract that has it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 11:00:00.000000

"""
from alembic import op

from exchange.infra.database import drop_history_guard_triggers, history_guard_triggers


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    for statement in history_guard_triggers(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in drop_history_guard_triggers(op.get_bind().dialect.name):
        op.execute(statement)
