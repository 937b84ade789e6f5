"""audit head forward only

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 23:05:00

The chain's head row is protected like the entries: it is never deleted (nor, on PostgreSQL,
truncated) and only ever moves forward, so that the tail of the chain cannot be cut by
deleting the last entries and moving the head back, whoever connects (without dropping the
triggers first: see docs/security.md and `liptako audit anchor`).
"""

from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

SQLITE = (
    "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
    "BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END",
    "CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head "
    "WHEN NEW.id <> OLD.id OR NEW.seq < OLD.seq "
    "BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END",
)
POSTGRES = (
    """CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.seq >= OLD.seq THEN RETURN NEW; END IF;
      RAISE EXCEPTION 'audit_head only moves forward';
    END $$""",
    "CREATE TRIGGER audit_head_no_change BEFORE UPDATE OR DELETE ON audit_head "
    "FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()",
    "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only()",
)


def upgrade() -> None:
    for statement in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_head_no_truncate ON audit_head")
        op.execute("DROP TRIGGER audit_head_no_change ON audit_head")
        op.execute("DROP FUNCTION audit_head_forward_only()")
    else:
        op.execute("DROP TRIGGER audit_head_forward_only")
        op.execute("DROP TRIGGER audit_head_no_delete")
