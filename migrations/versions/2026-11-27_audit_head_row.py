"""audit head row

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 22:05:00

The chain's head exists from the start, so that the first writers lock one row rather than
race to create it (entries are sealed at commit by concurrent transactions).
"""

from __future__ import annotations

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64  # liptako.audit.rules.GENESIS_HASH, frozen here


def upgrade() -> None:
    op.execute(f"INSERT INTO audit_head (id, seq, hash) SELECT 1, 0, '{GENESIS_HASH}' "
               "WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1)")


def downgrade() -> None:
    op.execute("DELETE FROM audit_head WHERE id = 1 AND seq = 0")
