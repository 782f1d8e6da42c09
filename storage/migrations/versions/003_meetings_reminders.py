"""meetings_reminders

Revision ID: 003
Revises: 002
Create Date: 2026-11-28 03:28:46.426854
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base


revision = '003'
down_revision = '002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('starts_at', storage.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('city', sa.String(length=80), nullable=False),
    sa.Column('regions', sa.JSON(), nullable=False),
    sa.Column('theme_key', sa.String(length=32), nullable=True),
    sa.Column('venue', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', storage.base.UtcDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', storage.base.UtcDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_status_starts', ['status', 'starts_at'], unique=False)

    op.create_table('preread_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', storage.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_preread_runs_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_preread_runs')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_preread_runs_meeting_id'))
    )
    op.create_table('reminder_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.SmallInteger(), nullable=False),
    sa.Column('due_at', storage.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', storage.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_reminder_runs_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_runs')),
    sa.UniqueConstraint('meeting_id', 'days_before', name='uq_reminder_runs_wave')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminders_muted', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('reminders_muted')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('urgent')

    op.drop_table('reminder_runs')
    op.drop_table('preread_runs')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_status_starts')

    op.drop_table('meetings')
