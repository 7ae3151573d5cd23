"""The match of the year of an event: its voting window, nominations, votes and winner.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 17:40:00
"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_award',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('voting_starts_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('voting_ends_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('winner_id', sa.Integer(), nullable=True),
        sa.Column('announced_by_id', sa.Integer(), nullable=True),
        sa.Column('announced_at', models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['exchange_event.id'],
                                name=op.f('fk_event_award_event_id_exchange_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'],
                                name=op.f('fk_event_award_opened_by_id_user')),
        sa.ForeignKeyConstraint(['winner_id'], ['contract.id'],
                                name=op.f('fk_event_award_winner_id_contract')),
        sa.ForeignKeyConstraint(['announced_by_id'], ['user.id'],
                                name=op.f('fk_event_award_announced_by_id_user')),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_event_award')))
    for table, who, when in (('award_nomination', 'nominated_by_id', 'nominated_at'),
                             ('award_vote', 'voted_by_id', 'voted_at')):
        columns = [
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('event_id', sa.Integer(), nullable=False),
            sa.Column('organization_id', sa.Integer(), nullable=False),
            sa.Column('contract_id', sa.Integer(), nullable=False)]
        if table == 'award_nomination':
            columns.append(sa.Column('reason', sa.String(length=300), nullable=False))
        columns += [
            sa.Column(who, sa.Integer(), nullable=True),
            sa.Column(when, models.base.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(['event_id'], ['exchange_event.id'],
                                    name=op.f(f'fk_{table}_event_id_exchange_event'),
                                    ondelete='CASCADE'),
            sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                    name=op.f(f'fk_{table}_organization_id_organization')),
            sa.ForeignKeyConstraint(['contract_id'], ['contract.id'],
                                    name=op.f(f'fk_{table}_contract_id_contract')),
            sa.ForeignKeyConstraint([who], ['user.id'], name=op.f(f'fk_{table}_{who}_user')),
            sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
            # One nomination, one vote per organization: the database holds it, whatever races.
            sa.UniqueConstraint('event_id', 'organization_id',
                                name=op.f(f'uq_{table}_event_id'))]
        op.create_table(table, *columns)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_event_id'), ['event_id'], unique=False)


def downgrade():
    for table in ('award_vote', 'award_nomination'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_event_id'))
        op.drop_table(table)
    op.drop_table('event_award')
