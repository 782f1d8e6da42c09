"""workshop notes: what was said at workshop days, imported from CSV files

Revision ID: 008
Revises: 007
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base


revision = '008'
down_revision = '007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workshop_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=48), nullable=False),
    sa.Column('theme_key', sa.String(length=32), nullable=False),
    sa.Column('region_code', sa.String(length=2), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('imported_at', storage.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_notes')),
    sa.UniqueConstraint('reference', name=op.f('uq_workshop_notes_reference'))
    )
    with op.batch_alter_table('workshop_notes', schema=None) as batch_op:
        batch_op.create_index('ix_workshop_notes_theme_region', ['theme_key', 'region_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('workshop_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_workshop_notes_theme_region')

    op.drop_table('workshop_notes')
