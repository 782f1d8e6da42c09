"""admins

Revision ID: 005
Revises: 004
Create Date: 2026-11-28 04:10:38.585032
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base


revision = '005'
down_revision = '004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_admin', sa.Boolean(), server_default=sa.text('(false)'), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_admin')

