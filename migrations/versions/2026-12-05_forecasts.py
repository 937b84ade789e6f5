"""stored forecasts

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 09:00:00

`liptako forecast run` stores each run (where it stands, how it was made, who made it, its
marking) and its values per unit and month ahead (the expected count, the median, the 80 %
interval, the probability of a deadly month), for the map's forecast layer, the unit pages
and the forecast alert rules.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liptako.core.db

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'forecast_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ran_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ran_by', sa.Integer(), nullable=True),
        sa.Column('ran_by_name', sa.String(length=64), nullable=False),
        sa.Column('origin', sa.Date(), nullable=False),
        sa.Column('data_from', sa.Date(), nullable=False),
        sa.Column('months', sa.Integer(), nullable=False),
        sa.Column('area_level', sa.String(length=8), nullable=False),
        sa.Column('target', sa.String(length=40), nullable=False),
        sa.Column('model', sa.String(length=40), nullable=False),
        sa.Column('samples', sa.Integer(), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('threshold', sa.Integer(), nullable=False),
        sa.Column('events', sa.Integer(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('tlp', sa.String(length=12), nullable=False),
        sa.Column('originator', sa.String(length=8), nullable=False),
        sa.Column('audience', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['ran_by'], ['user_account.id'],
                                name=op.f('fk_forecast_run_ran_by_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_run')),
    )
    with op.batch_alter_table('forecast_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_run_ran_at'), ['ran_at'], unique=False)
    op.create_table(
        'forecast_value',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('unit', sa.String(length=32), nullable=False),
        sa.Column('ahead', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('expected', sa.Float(), nullable=False),
        sa.Column('median', sa.Float(), nullable=False),
        sa.Column('low', sa.Float(), nullable=False),
        sa.Column('high', sa.Float(), nullable=False),
        sa.Column('p_exceed', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['forecast_run.id'],
                                name=op.f('fk_forecast_value_run_id_forecast_run'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_value')),
        sa.UniqueConstraint('run_id', 'unit', 'ahead', name=op.f('uq_forecast_value_run_id')),
    )
    with op.batch_alter_table('forecast_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_value_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    op.drop_table('forecast_value')
    op.drop_table('forecast_run')
