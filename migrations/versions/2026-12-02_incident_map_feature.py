"""incident map feature

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 03:15:00

Each incident kept its map feature as JSON (less its type and id). Revision 0013 drops the
column again (a page's features are built when it is read), so this revision only adds it:
nothing reads what it would have filled.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feature', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('feature')
