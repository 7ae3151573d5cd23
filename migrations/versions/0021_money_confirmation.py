"""A listing records who confirmed that its ambiguous money words are not a payment.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 17:40:00
"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

# Rebuilding `listing` on SQLite (the downgrade must: SQLite cannot drop a column that is in a
# foreign key) drops the full-text triggers of 0002 with the old table; they are made again.
SQLITE_TRIGGERS = [
    "CREATE TRIGGER listing_fts_insert AFTER INSERT ON listing BEGIN "
    "INSERT INTO listing_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER listing_fts_delete AFTER DELETE ON listing BEGIN "
    "INSERT INTO listing_fts(listing_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER listing_fts_update AFTER UPDATE OF search_text ON listing BEGIN "
    "INSERT INTO listing_fts(listing_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO listing_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


def upgrade():
    # Plain ALTER TABLE ADD COLUMN (not batch mode): no rebuild of `listing` on SQLite.
    op.add_column('listing', sa.Column('money_confirmed_fragment', sa.String(length=300),
                                       nullable=True))
    op.add_column('listing', sa.Column('money_confirmed_at', models.base.UTCDateTime(),
                                       nullable=True))
    if op.get_bind().dialect.name == 'sqlite':  # a foreign key only inline, in the column
        op.execute('ALTER TABLE listing ADD COLUMN money_confirmed_by_id INTEGER '
                   'CONSTRAINT fk_listing_money_confirmed_by_id_user '
                   'REFERENCES "user" (id)')
    else:
        op.add_column('listing', sa.Column('money_confirmed_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_listing_money_confirmed_by_id_user'), 'listing', 'user',
                              ['money_confirmed_by_id'], ['id'])


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('listing', schema=None, recreate='always') as batch_op:
            batch_op.drop_column('money_confirmed_by_id')
            batch_op.drop_column('money_confirmed_at')
            batch_op.drop_column('money_confirmed_fragment')
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        return
    op.drop_constraint(op.f('fk_listing_money_confirmed_by_id_user'), 'listing',
                       type_='foreignkey')
    op.drop_column('listing', 'money_confirmed_by_id')
    op.drop_column('listing', 'money_confirmed_at')
    op.drop_column('listing', 'money_confirmed_fragment')
