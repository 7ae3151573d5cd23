"""Keeping partners engaged: a partnership's contact log, and after how many weeks without
contact a partner counts as quiet (issue 18, "Keeping partners engaged").

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 23:30:00

"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'partnership_contact',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('person', sa.String(length=200), nullable=False),
        sa.Column('channel', sa.Enum('meeting', 'phone', 'email', 'visit',
                                     name='contact_channel', native_enum=False,
                                     create_constraint=True, length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('contacted_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'],
                                name=op.f('fk_partnership_contact_author_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_partnership_contact_organization_id_organization'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'],
                                name=op.f('fk_partnership_contact_partnership_id_partnership'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_contact')),
    )
    with op.batch_alter_table('partnership_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_contact_partnership_id'),
                              ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_contact_organization_id'),
                              ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_contact_contacted_at'),
                              ['contacted_at'], unique=False)
    # Plain ALTER TABLE ADD COLUMN: the default fills the existing partnerships.
    op.add_column('partnership', sa.Column('quiet_weeks', sa.Integer(), nullable=False,
                                           server_default='6'))


def downgrade():
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_column('quiet_weeks')
    with op.batch_alter_table('partnership_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_contact_contacted_at'))
        batch_op.drop_index(batch_op.f('ix_partnership_contact_organization_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_contact_partnership_id'))
    op.drop_table('partnership_contact')
