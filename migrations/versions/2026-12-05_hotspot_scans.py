"""hotspot scans

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 06:00:00

`liptako warning scan` stores each run (its parameters, when and by whom, its marking, the
emerging hot spot category of every unit) and the space-time clusters it found, for the
map's hotspot layer and the API.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liptako.core.db

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'scan_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ran_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ran_by', sa.Integer(), nullable=True),
        sa.Column('ran_by_name', sa.String(length=64), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('time_unit', sa.String(length=8), nullable=False),
        sa.Column('periods', sa.Integer(), nullable=False),
        sa.Column('area_level', sa.String(length=8), nullable=False),
        sa.Column('event_types', sa.JSON(), nullable=False),
        sa.Column('replications', sa.Integer(), nullable=False),
        sa.Column('gi_permutations', sa.Integer(), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('max_share', sa.Float(), nullable=False),
        sa.Column('max_radius_km', sa.Float(), nullable=True),
        sa.Column('max_duration', sa.Integer(), nullable=False),
        sa.Column('events', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('categories', sa.JSON(), nullable=False),
        sa.Column('tlp', sa.String(length=12), nullable=False),
        sa.Column('originator', sa.String(length=8), nullable=False),
        sa.Column('audience', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['ran_by'], ['user_account.id'],
                                name=op.f('fk_scan_run_ran_by_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_run')),
    )
    with op.batch_alter_table('scan_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scan_run_ran_at'), ['ran_at'], unique=False)
    op.create_table(
        'scan_cluster',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('units', sa.JSON(), nullable=False),
        sa.Column('radius_km', sa.Float(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('observed', sa.Integer(), nullable=False),
        sa.Column('expected', sa.Float(), nullable=False),
        sa.Column('relative_risk', sa.Float(), nullable=True),
        sa.Column('llr', sa.Float(), nullable=False),
        sa.Column('p_value', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['scan_run.id'],
                                name=op.f('fk_scan_cluster_run_id_scan_run'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scan_cluster')),
    )
    with op.batch_alter_table('scan_cluster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scan_cluster_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scan_cluster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scan_cluster_run_id'))
    op.drop_table('scan_cluster')
    with op.batch_alter_table('scan_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scan_run_ran_at'))
    op.drop_table('scan_run')
