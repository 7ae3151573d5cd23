"""Organisers' imports of an event's participants: the uploaded file kept between preview and
import, and the attendees' e-mail addresses.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 18:00:00
"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event_attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=False,
                                      server_default=''))
    op.create_table(
        'event_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('imported_at', models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['exchange_event.id'],
                                name=op.f('fk_event_import_event_id_exchange_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'],
                                name=op.f('fk_event_import_uploaded_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_import')))
    with op.batch_alter_table('event_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_import_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('event_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_import_event_id'))
    op.drop_table('event_import')
    with op.batch_alter_table('event_attendee', schema=None) as batch_op:
        batch_op.drop_column('email')
