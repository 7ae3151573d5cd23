"""Privacy (RODO/GDPR): the notice's versions, consents, deleted accounts, and the signer's
name kept on each signature.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 14:30:00
"""
from alembic import op
import sqlalchemy as sa

import models.base  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'privacy_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('text_pl', sa.Text(), nullable=False),
        sa.Column('text_en', sa.Text(), nullable=False),
        sa.Column('published_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['published_by_id'], ['user.id'],
                                name=op.f('fk_privacy_notice_published_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notice')),
        sa.UniqueConstraint('version', name=op.f('uq_privacy_notice_version')))
    op.create_table(
        'privacy_consent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('accepted_at', models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_privacy_consent_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_consent')))
    with op.batch_alter_table('privacy_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_consent_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('privacy_accepted_at', models.base.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('deleted_at', models.base.UTCDateTime(), nullable=True))
    with op.batch_alter_table('pending_registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('privacy_accepted_at', models.base.UTCDateTime(),
                                      nullable=True))
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signer_name', sa.String(length=120), nullable=False,
                                      server_default=''))
    # The names signatures showed until now were the users' current ones: keep those.
    op.execute('UPDATE signature SET signer_name = '
               '(SELECT "user".name FROM "user" WHERE "user".id = signature.user_id)')


def downgrade():
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): batch mode would copy and drop "user",
    # which the foreign keys pointing to it refuse.
    op.drop_column('signature', 'signer_name')
    op.drop_column('pending_registration', 'privacy_accepted_at')
    op.drop_column('pending_registration', 'privacy_version')
    op.drop_column('user', 'deleted_at')
    op.drop_column('user', 'privacy_accepted_at')
    op.drop_column('user', 'privacy_version')
    with op.batch_alter_table('privacy_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_consent_user_id'))
    op.drop_table('privacy_consent')
    op.drop_table('privacy_notice')
