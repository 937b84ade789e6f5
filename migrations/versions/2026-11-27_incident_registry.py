"""incident registry

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 18:19:44.819434
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liptako.core.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_id', sa.String(length=64), nullable=False),
    sa.Column('source_version', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('occurred_until', sa.Date(), nullable=True),
    sa.Column('date_precision', sa.Integer(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('geo_precision', sa.Integer(), nullable=True),
    sa.Column('iso3', sa.String(length=3), nullable=True),
    sa.Column('admin1_code', sa.String(length=32), nullable=True),
    sa.Column('admin1_name', sa.String(length=100), nullable=True),
    sa.Column('admin2_code', sa.String(length=32), nullable=True),
    sa.Column('admin2_name', sa.String(length=100), nullable=True),
    sa.Column('admin_method', sa.String(length=16), nullable=True),
    sa.Column('outside_country_km', sa.Float(), nullable=True),
    sa.Column('priogrid_gid', sa.Integer(), nullable=True),
    sa.Column('in_liptako_gourma', sa.Boolean(), nullable=True),
    sa.Column('src_admin1', sa.String(length=100), nullable=True),
    sa.Column('src_admin2', sa.String(length=100), nullable=True),
    sa.Column('src_admin3', sa.String(length=100), nullable=True),
    sa.Column('src_location', sa.String(length=200), nullable=True),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('src_event_type', sa.String(length=80), nullable=True),
    sa.Column('src_sub_event_type', sa.String(length=80), nullable=True),
    sa.Column('fatalities', sa.Integer(), nullable=True),
    sa.Column('fatalities_low', sa.Integer(), nullable=True),
    sa.Column('fatalities_high', sa.Integer(), nullable=True),
    sa.Column('civilian_targeting', sa.Boolean(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('sources', sa.Text(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=True),
    sa.Column('tlp', sa.String(length=12), nullable=False),
    sa.Column('originator', sa.String(length=8), nullable=False),
    sa.Column('audience', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_incident_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident')),
    sa.UniqueConstraint('source', 'source_id', name=op.f('uq_incident_source'))
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_admin1_code'), ['admin1_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_event_type'), ['event_type'], unique=False)
        batch_op.create_index('ix_incident_lon_lat', ['lon', 'lat'], unique=False)
        batch_op.create_index('ix_incident_occurred_on_iso3', ['occurred_on', 'iso3'], unique=False)

    op.create_table('incident_actor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('raw', sa.String(length=300), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=True),
    sa.Column('attribution', sa.String(length=12), nullable=True),
    sa.Column('period', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_actor_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_actor'))
    )
    with op.batch_alter_table('incident_actor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_actor_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_actor_incident_id'), ['incident_id'], unique=False)

    op.create_table('incident_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source_version', sa.String(length=32), nullable=True),
    sa.Column('superseded_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_version_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_version')),
    sa.UniqueConstraint('incident_id', 'version', name=op.f('uq_incident_version_incident_id'))
    )


def downgrade() -> None:
    op.drop_table('incident_version')
    with op.batch_alter_table('incident_actor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_actor_incident_id'))
        batch_op.drop_index(batch_op.f('ix_incident_actor_actor_id'))

    op.drop_table('incident_actor')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_occurred_on_iso3')
        batch_op.drop_index('ix_incident_lon_lat')
        batch_op.drop_index(batch_op.f('ix_incident_event_type'))
        batch_op.drop_index(batch_op.f('ix_incident_admin1_code'))

    op.drop_table('incident')
