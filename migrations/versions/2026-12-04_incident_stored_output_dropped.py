"""incident stored output dropped

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 22:00:00

The map's list builds each feature from the incident and its actors when a page is read, so
the copies kept beside each incident (its actors' canonical ids, its feature as JSON, the
degree of longitude it lies in, and that band's index) go.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_lon_band_page')
        batch_op.drop_column('lon_band')
        batch_op.drop_column('feature')
        batch_op.drop_column('actor_ids')


def downgrade() -> None:
    # the columns come back empty; revisions 0010-0012 filled them from the rows
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_ids', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('feature', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('lon_band', sa.Integer(), nullable=True))
        batch_op.create_index('ix_incident_lon_band_page',
                              ['lon_band', 'occurred_on', 'id', 'lon', 'lat'], unique=False)
