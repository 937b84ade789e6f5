"""audit entry request id

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 15:00:00

The web request that made an audit entry (its X-Request-ID), to find the request's log lines
from the entry. Entries written before stay without one: the chain hashes the request id only
when it is set, so they verify as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_entry') as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_entry') as batch_op:
        batch_op.drop_column('request_id')
