"""initial

Revision ID: 001
Revises:
Create Date: 2026-11-28 01:40:04.179011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base


revision = '001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('consented_at', storage.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('privacy_version', sa.SmallInteger(), nullable=False),
    sa.Column('structure_type', sa.String(length=16), nullable=True),
    sa.Column('structure_name', sa.String(length=120), nullable=True),
    sa.Column('department_code', sa.String(length=3), nullable=True),
    sa.Column('region_code', sa.String(length=2), nullable=True),
    sa.Column('role', sa.String(length=24), nullable=True),
    sa.Column('role_other', sa.String(length=80), nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default=sa.text('(true)'), nullable=False),
    sa.Column('created_at', storage.base.UtcDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', storage.base.UtcDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_region_code'), ['region_code'], unique=False)

    op.create_table('contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('theme_key', sa.String(length=32), nullable=False),
    sa.Column('questionnaire_version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('cursor', sa.String(length=32), nullable=True),
    sa.Column('in_focus', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('submitted_at', storage.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', storage.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.base.UtcDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', storage.base.UtcDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contributions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contributions')),
    sa.UniqueConstraint('public_id', name=op.f('uq_contributions_public_id'))
    )
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contributions_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_contributions_one_draft_per_theme', ['user_id', 'theme_key'], unique=True, sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"))
        batch_op.create_index('uq_contributions_one_focus_per_user', ['user_id'], unique=True, sqlite_where=sa.text('in_focus'), postgresql_where=sa.text('in_focus'))

    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=32), nullable=False),
    sa.Column('questionnaire_version', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('text_value', sa.Text(), nullable=True),
    sa.Column('choice_keys', sa.JSON(), nullable=True),
    sa.Column('scale_value', sa.SmallInteger(), nullable=True),
    sa.Column('voice_file_id', sa.String(length=255), nullable=True),
    sa.Column('voice_duration', sa.Integer(), nullable=True),
    sa.Column('voice_mime', sa.String(length=64), nullable=True),
    sa.Column('created_at', storage.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_answers_contribution_id_contributions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('contribution_id', 'question_key', 'revision', name='uq_answers_revision')
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_contribution_id'), ['contribution_id'], unique=False)
        batch_op.create_index('uq_answers_one_current', ['contribution_id', 'question_key'], unique=True, sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))



def downgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index('uq_answers_one_current', sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))
        batch_op.drop_index(batch_op.f('ix_answers_contribution_id'))

    op.drop_table('answers')
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_index('uq_contributions_one_focus_per_user', sqlite_where=sa.text('in_focus'), postgresql_where=sa.text('in_focus'))
        batch_op.drop_index('uq_contributions_one_draft_per_theme', sqlite_where=sa.text("status = 'draft'"), postgresql_where=sa.text("status = 'draft'"))
        batch_op.drop_index(batch_op.f('ix_contributions_user_id'))

    op.drop_table('contributions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_region_code'))

    op.drop_table('users')
