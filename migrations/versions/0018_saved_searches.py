"""Saved searches, and when each listing was first published (what they tell about).

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-07 14:30:00
"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', models.base.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_listing_published_at'), ['published_at'],
                              unique=False)
    # Listings already out count as published when they were made: no saved search exists
    # yet, so none of them is ever told about.
    op.execute("UPDATE listing SET published_at = created_at WHERE status <> 'draft'")
    op.create_table(
        'saved_search',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('query', sa.String(length=300), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('notified_until', models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_saved_search_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search')),
        sa.UniqueConstraint('user_id', 'query', name='uq_saved_search_user_query'))
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_search_user_id'))
    op.drop_table('saved_search')
    op.drop_index('ix_listing_published_at', table_name='listing')
    # Not batch mode: rebuilding the listing table on SQLite would drop its full-text
    # triggers; SQLite 3.35+ drops a plain column in place.
    op.execute("ALTER TABLE listing DROP COLUMN published_at")
