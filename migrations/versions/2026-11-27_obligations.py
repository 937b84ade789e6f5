"""obligations

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 18:57:47.078090
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liptako.core.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('classification_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Boolean(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=False),
    sa.Column('decided_by_state', sa.String(length=3), nullable=False),
    sa.Column('decided_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'], name=op.f('fk_classification_decision_decided_by_user_account')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_classification_decision_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classification_decision'))
    )
    with op.batch_alter_table('classification_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_classification_decision_incident_id'), ['incident_id'], unique=False)

    op.create_table('compliance_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('pact_id', sa.String(length=32), nullable=False),
    sa.Column('article', sa.String(length=8), nullable=False),
    sa.Column('respondent', sa.String(length=3), nullable=False),
    sa.Column('beneficiary', sa.String(length=3), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_compliance_case_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_case')),
    sa.UniqueConstraint('incident_id', 'pact_id', 'article', name=op.f('uq_compliance_case_incident_id'))
    )
    with op.batch_alter_table('compliance_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compliance_case_incident_id'), ['incident_id'], unique=False)

    op.create_table('determination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('pact_id', sa.String(length=32), nullable=False),
    sa.Column('pact_version', sa.String(length=32), nullable=False),
    sa.Column('policy_digest', sa.String(length=64), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('facts_digest', sa.String(length=64), nullable=False),
    sa.Column('in_force', sa.Boolean(), nullable=False),
    sa.Column('territory', sa.String(length=3), nullable=True),
    sa.Column('in_common_space', sa.Boolean(), nullable=True),
    sa.Column('provisions', sa.JSON(), nullable=False),
    sa.Column('engaged', sa.String(length=64), nullable=False),
    sa.Column('undetermined', sa.String(length=64), nullable=False),
    sa.Column('evaluated_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_determination_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_determination')),
    sa.UniqueConstraint('incident_id', 'pact_id', name=op.f('uq_determination_incident_id'))
    )
    with op.batch_alter_table('determination', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_determination_engaged'), ['engaged'], unique=False)

    op.create_table('duty',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('pact_id', sa.String(length=32), nullable=False),
    sa.Column('article', sa.String(length=8), nullable=False),
    sa.Column('owed_by', sa.String(length=3), nullable=False),
    sa.Column('beneficiary', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', liptako.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', liptako.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_duty_incident_id_incident'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty')),
    sa.UniqueConstraint('incident_id', 'pact_id', 'article', 'owed_by', name=op.f('uq_duty_incident_id'))
    )
    with op.batch_alter_table('duty', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_beneficiary'), ['beneficiary'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_owed_by'), ['owed_by'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('duty', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_owed_by'))
        batch_op.drop_index(batch_op.f('ix_duty_incident_id'))
        batch_op.drop_index(batch_op.f('ix_duty_beneficiary'))

    op.drop_table('duty')
    with op.batch_alter_table('determination', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_determination_engaged'))

    op.drop_table('determination')
    with op.batch_alter_table('compliance_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compliance_case_incident_id'))

    op.drop_table('compliance_case')
    with op.batch_alter_table('classification_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_classification_decision_incident_id'))

    op.drop_table('classification_decision')
