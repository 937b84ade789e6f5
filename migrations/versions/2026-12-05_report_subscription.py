"""report subscriptions

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 12:00:00

The weekly situation report's mailing lists: a state's (or the secretariat's) recipients, the
language, the account whose view the report is built with, and the last week sent.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liptako.core.db

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=3), nullable=False),
        sa.Column('recipients', sa.String(length=1000), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('built_for', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('disabled_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_week', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['built_for'], ['user_account.id'],
                                name=op.f('fk_report_subscription_built_for_user_account')),
        sa.ForeignKeyConstraint(['created_by'], ['user_account.id'],
                                name=op.f('fk_report_subscription_created_by_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_subscription')),
    )
    op.create_index(op.f('ix_report_subscription_state'), 'report_subscription', ['state'])


def downgrade() -> None:
    op.drop_index(op.f('ix_report_subscription_state'), table_name='report_subscription')
    op.drop_table('report_subscription')
