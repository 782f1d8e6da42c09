"""privacy: scrubbed answers, voice choice, retention, erasure ledger, job failures

Revision ID: 006
Revises: 005
Create Date: 2026-12-01 19:39:31.390742
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base


revision = '006'
down_revision = '005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('erasure_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('at', storage.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_ledger')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('erasure_ledger', schema=None) as batch_op:
        batch_op.create_index('ix_erasure_ledger_at', ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_erasure_ledger_ref'), ['ref'], unique=False)

    op.create_table('job_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=255), nullable=True),
    sa.Column('gave_up', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('created_at', storage.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_failures')),
    sa.UniqueConstraint('job', 'key', name='uq_job_failures_job_key')
    )
    op.create_table('purge_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', storage.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('deleted', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purge_runs')),
    sa.UniqueConstraint('day', name=op.f('uq_purge_runs_day'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scrubbed_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('scrubbed_with', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('scrubbed_version', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('pii_kinds', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_answers_scrubbed_with'), ['scrubbed_with'], unique=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor', sa.String(length=16), nullable=True))

    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.alter_column('created_by',
               existing_type=sa.BIGINT(),
               nullable=True)

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('created_by',
               existing_type=sa.BIGINT(),
               nullable=True)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ledger_mark', sa.Integer(), nullable=True))

    with op.batch_alter_table('digest_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('themes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('regions', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('trigger', sa.String(length=12), server_default=sa.text("'scheduled'"), nullable=False))
        batch_op.add_column(sa.Column('withheld', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))
        batch_op.alter_column('period_start', existing_type=storage.base.UtcDateTime(timezone=True), nullable=True)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voice_choice', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('voice_choice_at', storage.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_seen_at', storage.base.UtcDateTime(timezone=True), nullable=True))

    # Retention counts from the last activity; until now, the last change is the best proxy.
    op.execute("UPDATE users SET last_seen_at = updated_at")
    # Invitations of erased admins used 0 as "nobody".
    op.execute("UPDATE invitations SET created_by = NULL WHERE created_by = 0")


def downgrade() -> None:
    with op.batch_alter_table('digest_runs', schema=None) as batch_op:
        batch_op.drop_column('withheld')
        batch_op.drop_column('trigger')
        batch_op.drop_column('regions')
        batch_op.drop_column('themes')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
        batch_op.drop_column('voice_choice_at')
        batch_op.drop_column('voice_choice')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('ledger_mark')

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('created_by',
               existing_type=sa.BIGINT(),
               nullable=False)

    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.alter_column('created_by',
               existing_type=sa.BIGINT(),
               nullable=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('actor')

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_scrubbed_with'))
        batch_op.drop_column('pii_kinds')
        batch_op.drop_column('scrubbed_version')
        batch_op.drop_column('scrubbed_with')
        batch_op.drop_column('scrubbed_text')

    op.drop_table('purge_runs')
    op.drop_table('job_failures')
    with op.batch_alter_table('erasure_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_ledger_ref'))
        batch_op.drop_index('ix_erasure_ledger_at')

    op.drop_table('erasure_ledger')
