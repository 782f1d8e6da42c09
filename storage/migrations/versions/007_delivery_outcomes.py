"""delivery outcomes: a held progress message, messages that may have been delivered

Revision ID: 007
Revises: 006
Create Date: 2026-12-01 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '007'
down_revision = '006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progress_held', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('maybe_delivered', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('maybe_delivered')

    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_column('progress_held')
