"""incident map feature

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 03:15:00

Each incident keeps its map feature as JSON (less its type and id), so that a page of the
map's list is its rows' features joined rather than built anew from a dozen columns per row
on every request.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from liptako.incidents.rules import FEATURE_FIELDS, feature_fragment

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feature', sa.Text(), nullable=False, server_default=''))
    conn = op.get_bind()
    columns = ", ".join(FEATURE_FIELDS)
    last = 0
    while True:
        rows = conn.execute(sa.text(f"SELECT id, {columns} FROM incident WHERE id > :last "
                                    f"ORDER BY id LIMIT {BATCH}"), {"last": last}).mappings().all()
        if not rows:
            break
        conn.execute(sa.text("UPDATE incident SET feature = :feature WHERE id = :id"),
                     [{"id": r["id"], "feature": feature_fragment(r)} for r in rows])
        last = rows[-1]["id"]


def downgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('feature')
