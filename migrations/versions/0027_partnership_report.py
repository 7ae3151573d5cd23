"""The partners' recommendations to the local authority, per partnership and year, kept as
revisions (issue 18, the yearly report).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 23:30:00

"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'partnership_recommendation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'],
                                name=op.f('fk_partnership_recommendation_author_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_partnership_recommendation_organization_id_organization'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'],
                                name=op.f('fk_partnership_recommendation_partnership_id_partnership'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_recommendation')),
        sa.UniqueConstraint('partnership_id', 'year', 'number',
                            name=op.f('uq_partnership_recommendation_partnership_id')),
    )
    op.create_index(op.f('ix_partnership_recommendation_partnership_id'),
                    'partnership_recommendation', ['partnership_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_partnership_recommendation_partnership_id'),
                  table_name='partnership_recommendation')
    op.drop_table('partnership_recommendation')
