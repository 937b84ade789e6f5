"""alerts

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 12:00:00

Alert rules, the alerts they raise (with their incidents, CAP messages and the member
states' acknowledgements), the states' subscriptions, and the generic outbox the worker
drains (delivery by webhook and e-mail, written in the transaction of the alert).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liptako.core.db

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('destination', sa.String(length=1000), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_until', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('created_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_message_idempotency_key'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_topic'), ['topic'], unique=False)

    op.create_table('alert_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('severity', sa.String(length=12), nullable=False),
    sa.Column('urgency', sa.String(length=12), nullable=False),
    sa.Column('certainty', sa.String(length=12), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_alert_rule_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_rule'))
    )
    op.create_table('alert_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=3), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=1000), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_alert_subscription_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_subscription'))
    )
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_subscription_state'), ['state'], unique=False)

    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('situation', sa.String(length=120), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=True),
    sa.Column('area_name', sa.String(length=200), nullable=False),
    sa.Column('iso3', sa.String(length=3), nullable=True),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('fatalities', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=12), nullable=False),
    sa.Column('urgency', sa.String(length=12), nullable=False),
    sa.Column('certainty', sa.String(length=12), nullable=False),
    sa.Column('tlp', sa.String(length=12), nullable=False),
    sa.Column('audience', sa.String(length=64), nullable=False),
    sa.Column('raised_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['rule_id'], ['alert_rule.id'], name=op.f('fk_alert_rule_id_alert_rule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert')),
    sa.UniqueConstraint('situation', name=op.f('uq_alert_situation'))
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_rule_id'), ['rule_id'], unique=False)

    op.create_table('alert_acknowledgement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=3), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('acknowledged_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_alert_acknowledgement_alert_id_alert'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_alert_acknowledgement_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_acknowledgement')),
    sa.UniqueConstraint('alert_id', 'state', name=op.f('uq_alert_acknowledgement_alert_id'))
    )
    op.create_table('alert_incident',
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_alert_incident_alert_id_alert'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_alert_incident_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alert_id', 'incident_id', name=op.f('pk_alert_incident'))
    )
    with op.batch_alter_table('alert_incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_incident_incident_id'), ['incident_id'], unique=False)

    op.create_table('alert_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=120), nullable=False),
    sa.Column('sender', sa.String(length=200), nullable=False),
    sa.Column('msg_type', sa.String(length=8), nullable=False),
    sa.Column('sent_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cap_xml', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_alert_message_alert_id_alert'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_message')),
    sa.UniqueConstraint('alert_id', 'seq', name=op.f('uq_alert_message_alert_id')),
    sa.UniqueConstraint('identifier', name=op.f('uq_alert_message_identifier'))
    )


def downgrade() -> None:
    op.drop_table('alert_message')
    with op.batch_alter_table('alert_incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_incident_incident_id'))

    op.drop_table('alert_incident')
    op.drop_table('alert_acknowledgement')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_rule_id'))

    op.drop_table('alert')
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_subscription_state'))

    op.drop_table('alert_subscription')
    op.drop_table('alert_rule')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_topic'))
        batch_op.drop_index('ix_outbox_message_status_next_attempt_at')

    op.drop_table('outbox_message')
