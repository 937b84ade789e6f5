"""classification review

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 00:30:00

A classification that would change who owes a duty to another state waits for a second
person of the secretariat (four eyes): the decision carries its status, the duty change it
would make, when it took effect and who reviewed it. Decisions already stored took effect when
they were recorded.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liptako.core.db

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('classification_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False,
                                      server_default='in_force'))
        batch_op.add_column(sa.Column('duty_change', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('effective_at', liptako.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('reviewed_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', liptako.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_classification_decision_reviewed_by_user_account',
                                    'user_account', ['reviewed_by'], ['id'])
    op.execute("UPDATE classification_decision SET effective_at = decided_at")


def downgrade() -> None:
    with op.batch_alter_table('classification_decision', schema=None) as batch_op:
        batch_op.drop_constraint('fk_classification_decision_reviewed_by_user_account',
                                 type_='foreignkey')
        batch_op.drop_column('review_note')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by')
        batch_op.drop_column('effective_at')
        batch_op.drop_column('duty_change')
        batch_op.drop_column('status')
