"""incident date and place index

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 20:00:54.646901
"""

from __future__ import annotations

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index('ix_incident_occurred_on_lon_lat', ['occurred_on', 'lon', 'lat'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_occurred_on_lon_lat')

