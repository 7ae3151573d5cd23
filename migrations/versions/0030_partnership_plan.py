"""A local partnership's plan: its period, goals, indicators, activities assigned to partners,
progress entries; an exchange event may be hosted by a partnership (issue 18, "Plan and
indicators", "Exchanges count").

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 23:30:00

"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

SOURCES = ('manual', 'contracts_signed', 'contracts_fulfilled', 'event_deals', 'meetings_held')


def upgrade():
    # Plain ALTER TABLE ADD COLUMN (not batch mode): no rebuild of `partnership` on SQLite.
    op.add_column('partnership', sa.Column('plan_starts_on', sa.Date(), nullable=True))
    op.add_column('partnership', sa.Column('plan_ends_on', sa.Date(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':  # a foreign key only inline, in the column
        op.execute('ALTER TABLE exchange_event ADD COLUMN partnership_id INTEGER '
                   'CONSTRAINT fk_exchange_event_partnership_id_partnership '
                   'REFERENCES partnership (id)')
    else:
        op.add_column('exchange_event', sa.Column('partnership_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_exchange_event_partnership_id_partnership'),
                              'exchange_event', 'partnership', ['partnership_id'], ['id'])
    op.create_index(op.f('ix_exchange_event_partnership_id'), 'exchange_event',
                    ['partnership_id'], unique=False)

    op.create_table('plan_goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'],
                            name=op.f('fk_plan_goal_partnership_id_partnership'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_goal'))
    )
    op.create_index(op.f('ix_plan_goal_partnership_id'), 'plan_goal', ['partnership_id'],
                    unique=False)
    op.create_table('plan_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('baseline', sa.Numeric(precision=14, scale=4), nullable=False),
    sa.Column('target', sa.Numeric(precision=14, scale=4), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('source', sa.Enum(*SOURCES, name='indicator_source', native_enum=False,
                                create_constraint=True, length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['plan_goal.id'],
                            name=op.f('fk_plan_indicator_goal_id_plan_goal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'],
                            name=op.f('fk_plan_indicator_partnership_id_partnership'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_indicator'))
    )
    op.create_index(op.f('ix_plan_indicator_goal_id'), 'plan_indicator', ['goal_id'],
                    unique=False)
    op.create_index(op.f('ix_plan_indicator_partnership_id'), 'plan_indicator',
                    ['partnership_id'], unique=False)
    op.create_table('plan_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['plan_goal.id'],
                            name=op.f('fk_plan_activity_goal_id_plan_goal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_activity'))
    )
    op.create_index(op.f('ix_plan_activity_goal_id'), 'plan_activity', ['goal_id'],
                    unique=False)
    op.create_table('plan_activity_partner',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['plan_activity.id'],
                            name=op.f('fk_plan_activity_partner_activity_id_plan_activity'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_plan_activity_partner_organization_id_organization'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'organization_id',
                            name=op.f('pk_plan_activity_partner'))
    )
    op.create_table('plan_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=14, scale=4), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['plan_indicator.id'],
                            name=op.f('fk_plan_progress_indicator_id_plan_indicator'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_plan_progress_organization_id_organization'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                            name=op.f('fk_plan_progress_user_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user.id'],
                            name=op.f('fk_plan_progress_withdrawn_by_id_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_progress'))
    )
    op.create_index(op.f('ix_plan_progress_indicator_id'), 'plan_progress', ['indicator_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_plan_progress_indicator_id'), table_name='plan_progress')
    op.drop_table('plan_progress')
    op.drop_table('plan_activity_partner')
    op.drop_index(op.f('ix_plan_activity_goal_id'), table_name='plan_activity')
    op.drop_table('plan_activity')
    op.drop_index(op.f('ix_plan_indicator_partnership_id'), table_name='plan_indicator')
    op.drop_index(op.f('ix_plan_indicator_goal_id'), table_name='plan_indicator')
    op.drop_table('plan_indicator')
    op.drop_index(op.f('ix_plan_goal_partnership_id'), table_name='plan_goal')
    op.drop_table('plan_goal')
    op.drop_index(op.f('ix_exchange_event_partnership_id'), table_name='exchange_event')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot drop a column that is in a foreign key: the tables are rebuilt.
        with op.batch_alter_table('exchange_event', schema=None, recreate='always') as batch_op:
            batch_op.drop_column('partnership_id')
        with op.batch_alter_table('partnership', schema=None) as batch_op:
            batch_op.drop_column('plan_ends_on')
            batch_op.drop_column('plan_starts_on')
        return
    op.drop_constraint(op.f('fk_exchange_event_partnership_id_partnership'), 'exchange_event',
                       type_='foreignkey')
    op.drop_column('exchange_event', 'partnership_id')
    op.drop_column('partnership', 'plan_ends_on')
    op.drop_column('partnership', 'plan_starts_on')
