"""incident actor index

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 22:40:00

An incident's actors are looked up by the incident (its page, the map's list); the index now
carries their canonical ids too, so that the map reads them from the index alone.
"""

from __future__ import annotations

from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('incident_actor', schema=None) as batch_op:
        batch_op.create_index('ix_incident_actor_incident_id_actor_id',
                              ['incident_id', 'actor_id'], unique=False)
        batch_op.drop_index('ix_incident_actor_incident_id')


def downgrade() -> None:
    with op.batch_alter_table('incident_actor', schema=None) as batch_op:
        batch_op.create_index('ix_incident_actor_incident_id', ['incident_id'], unique=False)
        batch_op.drop_index('ix_incident_actor_incident_id_actor_id')
