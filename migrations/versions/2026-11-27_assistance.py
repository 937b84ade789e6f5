"""assistance

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 19:16:22.689020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liptako.core.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assistance_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=120), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('requesting_state', sa.String(length=3), nullable=False),
    sa.Column('pact_id', sa.String(length=32), nullable=False),
    sa.Column('article', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('deadline_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('convened_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('convened_by', sa.String(length=3), nullable=True),
    sa.Column('vote_deadline_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdraw_reason', sa.String(length=500), nullable=True),
    sa.Column('tlp', sa.String(length=12), nullable=False),
    sa.Column('originator', sa.String(length=8), nullable=False),
    sa.Column('audience', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_assistance_request_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_request')),
    sa.UniqueConstraint('message_id', name=op.f('uq_assistance_request_message_id'))
    )
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_request_requesting_state'), ['requesting_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_request_status'), ['status'], unique=False)

    op.create_table('assistance_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('rule', sa.String(length=16), nullable=False),
    sa.Column('pact_id', sa.String(length=32), nullable=False),
    sa.Column('pact_version', sa.String(length=32), nullable=False),
    sa.Column('policy', sa.JSON(), nullable=False),
    sa.Column('votes', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('decided_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('convened_by', sa.String(length=3), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_by_state', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'], name=op.f('fk_assistance_decision_recorded_by_user_account')),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_decision_request_id_assistance_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_decision')),
    sa.UniqueConstraint('request_id', name=op.f('uq_assistance_decision_request_id'))
    )
    op.create_table('assistance_decline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declined_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('declined_by', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['declined_by'], ['user_account.id'], name=op.f('fk_assistance_decline_declined_by_user_account')),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_decline_request_id_assistance_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_decline')),
    sa.UniqueConstraint('request_id', 'state', name=op.f('uq_assistance_decline_request_id'))
    )
    with op.batch_alter_table('assistance_decline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_decline_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('actor_state', sa.String(length=3), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_event_request_id_assistance_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_event'))
    )
    with op.batch_alter_table('assistance_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_event_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_line_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('starts_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.CheckConstraint('priority BETWEEN 1 AND 3', name=op.f('ck_assistance_line_item_priority')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_assistance_line_item_quantity')),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_line_item_request_id_assistance_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_line_item')),
    sa.UniqueConstraint('request_id', 'position', name=op.f('uq_assistance_line_item_request_id'))
    )
    with op.batch_alter_table('assistance_line_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_line_item_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('state', sa.String(length=3), nullable=False),
    sa.Column('subject', sa.String(length=32), nullable=False),
    sa.Column('due_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('escalated_to', sa.String(length=3), nullable=True),
    sa.Column('escalated_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_reminder_request_id_assistance_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_reminder')),
    sa.UniqueConstraint('request_id', 'kind', 'state', 'subject', name=op.f('uq_assistance_reminder_request_id'))
    )
    with op.batch_alter_table('assistance_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_reminder_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_request_incident',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_assistance_request_incident_incident_id_incident'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_request_incident_request_id_assistance_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'incident_id', name=op.f('pk_assistance_request_incident'))
    )
    with op.batch_alter_table('assistance_request_incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_request_incident_incident_id'), ['incident_id'], unique=False)

    op.create_table('assistance_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=3), nullable=False),
    sa.Column('value', sa.String(length=8), nullable=False),
    sa.Column('cast_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cast_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cast_by'], ['user_account.id'], name=op.f('fk_assistance_vote_cast_by_user_account')),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_vote_request_id_assistance_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_vote')),
    sa.UniqueConstraint('request_id', 'state', name=op.f('uq_assistance_vote_request_id'))
    )
    with op.batch_alter_table('assistance_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_vote_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_pledge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('line_item_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=3), nullable=False),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('available_from', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('pledged_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('pledged_by', sa.Integer(), nullable=True),
    sa.Column('accepted_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_quantity', sa.Float(), nullable=True),
    sa.Column('closed_reason', sa.String(length=500), nullable=True),
    sa.Column('message_id', sa.String(length=120), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_assistance_pledge_quantity')),
    sa.ForeignKeyConstraint(['line_item_id'], ['assistance_line_item.id'], name=op.f('fk_assistance_pledge_line_item_id_assistance_line_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pledged_by'], ['user_account.id'], name=op.f('fk_assistance_pledge_pledged_by_user_account')),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_pledge_request_id_assistance_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_pledge'))
    )
    with op.batch_alter_table('assistance_pledge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_pledge_line_item_id'), ['line_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_pledge_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_pledge_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_pledge_state'), ['state'], unique=False)

    op.create_table('assistance_request_duty',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('duty_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['duty_id'], ['duty.id'], name=op.f('fk_assistance_request_duty_duty_id_duty'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_request_duty_request_id_assistance_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'duty_id', name=op.f('pk_assistance_request_duty'))
    )
    with op.batch_alter_table('assistance_request_duty', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_request_duty_duty_id'), ['duty_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('assistance_request_duty', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_request_duty_duty_id'))

    op.drop_table('assistance_request_duty')
    with op.batch_alter_table('assistance_pledge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_pledge_state'))
        batch_op.drop_index(batch_op.f('ix_assistance_pledge_request_id'))
        batch_op.drop_index(batch_op.f('ix_assistance_pledge_message_id'))
        batch_op.drop_index(batch_op.f('ix_assistance_pledge_line_item_id'))

    op.drop_table('assistance_pledge')
    with op.batch_alter_table('assistance_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_vote_request_id'))

    op.drop_table('assistance_vote')
    with op.batch_alter_table('assistance_request_incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_request_incident_incident_id'))

    op.drop_table('assistance_request_incident')
    with op.batch_alter_table('assistance_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_reminder_request_id'))

    op.drop_table('assistance_reminder')
    with op.batch_alter_table('assistance_line_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_line_item_request_id'))

    op.drop_table('assistance_line_item')
    with op.batch_alter_table('assistance_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_event_request_id'))

    op.drop_table('assistance_event')
    with op.batch_alter_table('assistance_decline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_decline_request_id'))

    op.drop_table('assistance_decline')
    op.drop_table('assistance_decision')
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_request_status'))
        batch_op.drop_index(batch_op.f('ix_assistance_request_requesting_state'))

    op.drop_table('assistance_request')
