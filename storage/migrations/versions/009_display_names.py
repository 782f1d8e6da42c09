"""display names: the Telegram first name and @username of organisers; each chat's menu

Revision ID: 009
Revises: 008
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '009'
down_revision = '008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('username', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('chat_menu', sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('chat_menu')
        batch_op.drop_column('username')
        batch_op.drop_column('display_name')
