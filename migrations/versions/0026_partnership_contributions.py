"""What each partner brings: a listing may be a contribution to (or a need of) a local
partnership, and may be kept visible to the partnership only (issue 18, part 2).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 18:35:00

"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
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
    op.add_column('listing', sa.Column('partnership_only', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    if op.get_bind().dialect.name == 'sqlite':  # a foreign key only inline, in the column
        op.execute('ALTER TABLE listing ADD COLUMN partnership_id INTEGER '
                   'CONSTRAINT fk_listing_partnership_id_partnership '
                   'REFERENCES partnership (id)')
    else:
        op.add_column('listing', sa.Column('partnership_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_listing_partnership_id_partnership'), 'listing',
                              'partnership', ['partnership_id'], ['id'])
    op.create_index(op.f('ix_listing_partnership_id'), 'listing', ['partnership_id'],
                    unique=False)
    if op.get_bind().dialect.name != 'sqlite':  # the default filled the existing rows
        op.alter_column('listing', 'partnership_only', server_default=None)


def downgrade():
    op.drop_index(op.f('ix_listing_partnership_id'), table_name='listing')
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('listing', schema=None, recreate='always') as batch_op:
            batch_op.drop_column('partnership_id')
            batch_op.drop_column('partnership_only')
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        return
    op.drop_constraint(op.f('fk_listing_partnership_id_partnership'), 'listing',
                       type_='foreignkey')
    op.drop_column('listing', 'partnership_id')
    op.drop_column('listing', 'partnership_only')
