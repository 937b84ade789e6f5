"""Events their source has withdrawn: marked deleted, never erased.

Loading events is the recording flow (:func:`liptako.obligations.recording.record_batch`),
the same for every source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.incidents.models import Incident


def apply_deletions(session: Session, source: str, source_ids: Iterable[str], *,
                    actor: audit.Actor, now: dt.datetime, reason: str) -> int:
    """Mark events deleted by their source; nothing is erased and history stays."""
    ids = sorted(set(source_ids))
    marked = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        result = session.execute(
            update(Incident)
            .where(Incident.source == source, Incident.source_id.in_(chunk),
                   Incident.deleted_at.is_(None))
            .values(deleted_at=now, deleted_reason=reason[:200], updated_at=now)
            .execution_options(synchronize_session=False))
        marked += cast(CursorResult[Any], result).rowcount or 0
    if ids:
        audit.record(session, actor=actor, action="incident.delete", target_type="import",
                     target_id=source, now=now, detail={"listed": len(ids), "marked": marked,
                                                        "reason": reason})
    return marked
