"""broadcasts

Revision ID: 004
Revises: 003
Create Date: 2026-11-28 03:48:43.207161
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base


revision = '004'
down_revision = '003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('media_kind', sa.String(length=8), nullable=True),
    sa.Column('media_file_id', sa.String(length=255), nullable=True),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('urgent', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('due_at', storage.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('started_at', storage.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('finished_before', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('finished_at', storage.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('progress_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('progress_message_id', sa.Integer(), nullable=True),
    sa.Column('progress_at', storage.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.base.UtcDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', storage.base.UtcDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcasts'))
    )
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.create_index('ix_broadcasts_status_due', ['status', 'due_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_index('ix_broadcasts_status_due')

    op.drop_table('broadcasts')
