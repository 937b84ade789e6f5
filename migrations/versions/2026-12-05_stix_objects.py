"""stored STIX objects and TAXII statuses

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 10:00:00

Every version of every STIX 2.1 object liptako publishes (from the actor registry and the
incidents) or receives from partners, with its marking (read by the one releasability
predicate) and its provenance; and the status resource of each TAXII POST.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liptako.core.db

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stix_object',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stix_id', sa.String(length=100), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('version', sa.String(length=32), nullable=False),
        sa.Column('spec_version', sa.String(length=8), nullable=False),
        sa.Column('added_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('added_by', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=12), nullable=False),
        sa.Column('origin', sa.String(length=12), nullable=False),
        sa.Column('actor_id', sa.String(length=64), nullable=True),
        sa.Column('tlp', sa.String(length=12), nullable=False),
        sa.Column('originator', sa.String(length=32), nullable=False),
        sa.Column('audience', sa.String(length=64), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['added_by'], ['user_account.id'],
                                name=op.f('fk_stix_object_added_by_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stix_object')),
        sa.UniqueConstraint('stix_id', 'version', name=op.f('uq_stix_object_stix_id')),
    )
    with op.batch_alter_table('stix_object', schema=None) as batch_op:
        batch_op.create_index('ix_stix_object_added_at_id', ['added_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stix_object_stix_id'), ['stix_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stix_object_type'), ['type'], unique=False)
        batch_op.create_index(batch_op.f('ix_stix_object_actor_id'), ['actor_id'], unique=False)
    op.create_table(
        'taxii_status',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('collection', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('successes', sa.JSON(), nullable=False),
        sa.Column('failures', sa.JSON(), nullable=False),
        sa.Column('pendings', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_taxii_status_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_taxii_status')),
    )


def downgrade() -> None:
    op.drop_table('taxii_status')
    with op.batch_alter_table('stix_object', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stix_object_actor_id'))
        batch_op.drop_index(batch_op.f('ix_stix_object_type'))
        batch_op.drop_index(batch_op.f('ix_stix_object_stix_id'))
        batch_op.drop_index('ix_stix_object_added_at_id')
    op.drop_table('stix_object')
