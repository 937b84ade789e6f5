"""Audit entries recorded through the chain, as any service records them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.audit.models import AuditEntry

NOW = dt.datetime(2024, 5, 11, 8, 30, tzinfo=dt.UTC)
ANALYST = audit.Actor(id=7, name="awa", state="MLI")


def record_entries(session: Session, n: int, *, actor: audit.Actor = ANALYST,
                   action: str = "incident.create", now: dt.datetime = NOW) -> list[AuditEntry]:
    """``n`` entries on incidents 0..n-1, each with its own content digest, sealed (flushed)."""
    entries = [audit.record(session, actor=actor, action=action, target_type="incident",
                            target_id=i, now=now, after={"i": i}) for i in range(n)]
    session.flush()
    return entries
