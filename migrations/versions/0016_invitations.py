"""Invitations by e-mail to an organization or an event's staff, and the history of who
changed whose membership or staff role.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-07 15:00:00
"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

CHANGE_KINDS = ('invited', 'invitation_resent', 'invitation_revoked', 'joined', 'role_changed',
                'signing_granted', 'signing_revoked', 'removed', 'left')


def _target_columns():
    return [
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.Column('event_id', sa.Integer(), nullable=True),
    ]


def upgrade():
    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        *_target_columns(),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('can_sign', sa.Boolean(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('sent_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('expires_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('accepted_at', models.base.UTCDateTime(), nullable=True),
        sa.Column('accepted_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', models.base.UTCDateTime(), nullable=True),
        sa.CheckConstraint('(organization_id IS NULL) <> (event_id IS NULL)',
                           name=op.f('ck_invitation_one_target')),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_invitation_organization_id_organization'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['exchange_event.id'],
                                name=op.f('fk_invitation_event_id_exchange_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'],
                                name=op.f('fk_invitation_invited_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['accepted_by_id'], ['user.id'],
                                name=op.f('fk_invitation_accepted_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash')))
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_organization_id'), ['organization_id'])
        batch_op.create_index(batch_op.f('ix_invitation_event_id'), ['event_id'])
        batch_op.create_index(batch_op.f('ix_invitation_email'), ['email'])

    op.create_table(
        'membership_change',
        sa.Column('id', sa.Integer(), nullable=False),
        *_target_columns(),
        sa.Column('kind', sa.Enum(*CHANGE_KINDS, name='change_kind', native_enum=False,
                                  length=20, create_constraint=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('subject_email', sa.String(length=254), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint('(organization_id IS NULL) <> (event_id IS NULL)',
                           name=op.f('ck_membership_change_one_target')),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_membership_change_organization_id_organization'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['exchange_event.id'],
                                name=op.f('fk_membership_change_event_id_exchange_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['actor_id'], ['user.id'],
                                name=op.f('fk_membership_change_actor_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['subject_id'], ['user.id'],
                                name=op.f('fk_membership_change_subject_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_change')))
    with op.batch_alter_table('membership_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_change_organization_id'),
                              ['organization_id'])
        batch_op.create_index(batch_op.f('ix_membership_change_event_id'), ['event_id'])
        batch_op.create_index(batch_op.f('ix_membership_change_created_at'), ['created_at'])


def downgrade():
    with op.batch_alter_table('membership_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_change_created_at'))
        batch_op.drop_index(batch_op.f('ix_membership_change_event_id'))
        batch_op.drop_index(batch_op.f('ix_membership_change_organization_id'))
    op.drop_table('membership_change')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_email'))
        batch_op.drop_index(batch_op.f('ix_invitation_event_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_organization_id'))
    op.drop_table('invitation')
