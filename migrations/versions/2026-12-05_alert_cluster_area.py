"""alerts on space-time clusters

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 08:00:00

An alert raised on a cluster of the hotspot scan covers several units, not one admin-1 unit:
`alert.units` keeps their codes (the centre first), for the CAP polygons and the page's map;
`alert.detail` keeps what the kind found beyond the counts (for a cluster: the scan run, the
cluster's period, relative risk and p-value), for the messages' words.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('alert') as batch:
        batch.add_column(sa.Column('units', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('detail', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('alert') as batch:
        batch.drop_column('detail')
        batch.drop_column('units')
