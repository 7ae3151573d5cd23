"""A partnership's declaration: the multi-party contract its members sign (nullable link), the
history's new lines (declaration prepared or amended, a member removed, the lead changed), and
a meeting's .ics sequence (changed or cancelled meetings) (issue 18, formalisation).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 23:30:00

"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
# The brief's id (main has a '0029' of its own: the lead re-chains down_revision at merge).
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

OLD_KINDS = ('created', 'invited', 'invitation_resent', 'invitation_revoked', 'declined',
             'joined', 'left', 'coordinator_changed', 'animator_joined', 'animator_removed',
             'state_changed')
NEW_KINDS = OLD_KINDS + ('declaration_prepared', 'declaration_amended', 'member_removed',
                         'lead_changed')


def _kind(values):
    return sa.Enum(*values, name='partnership_change_kind', native_enum=False,
                   create_constraint=True, length=20)


def _kinds(old, new):
    """Let the history's `kind` take NEW's values instead of OLD's (the check constraint)."""
    if op.get_bind().dialect.name == 'sqlite':  # SQLite changes a constraint by a rebuild
        with op.batch_alter_table('partnership_change', schema=None, recreate='always') as batch:
            batch.alter_column('kind', existing_type=_kind(old), type_=_kind(new),
                               existing_nullable=False)
        return
    name = op.f('ck_partnership_change_partnership_change_kind')
    op.drop_constraint(name, 'partnership_change', type_='check')
    op.create_check_constraint(name, 'partnership_change',
                               sa.column('kind').in_(new))


def upgrade():
    # Plain ALTER TABLE ADD COLUMN (not batch mode): no rebuild of `partnership` on SQLite.
    # No foreign key: see models/partnership.py.
    op.add_column('partnership', sa.Column('declaration_contract_id', sa.Integer(),
                                           nullable=True))
    _kinds(OLD_KINDS, NEW_KINDS)
    op.add_column('partnership_meeting', sa.Column('sequence', sa.Integer(), nullable=False,
                                                   server_default='0'))
    if op.get_bind().dialect.name != 'sqlite':  # the default filled the existing rows
        op.alter_column('partnership_meeting', 'sequence', server_default=None)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE partnership_meeting DROP COLUMN sequence')
    else:
        op.drop_column('partnership_meeting', 'sequence')
    op.execute(sa.text('DELETE FROM partnership_change WHERE kind IN (:a, :b, :c, :d)')
               .bindparams(a='declaration_prepared', b='declaration_amended',
                           c='member_removed', d='lead_changed'))
    _kinds(NEW_KINDS, OLD_KINDS)
    # A plain DROP COLUMN on SQLite too (3.35+): a rebuild of `partnership` would trip over
    # the tables that refer to it.
    op.execute('ALTER TABLE partnership DROP COLUMN declaration_contract_id')
