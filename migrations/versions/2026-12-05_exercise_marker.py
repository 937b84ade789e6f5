"""exercise marker

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 09:00:00

Incidents and requests for assistance made during an exercise (the command-post exercise
`liptako init` loads, or one a state plays through the API) carry an explicit marker: every
page, the map and the API show them as EXERCISE, and `liptako exercise clear` removes them
and only them. Records stored before are real ones.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exercise', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exercise', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.drop_column('exercise')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('exercise')
