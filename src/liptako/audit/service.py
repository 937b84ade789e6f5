"""Recording and verifying the audit chain. Services record; the caller commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction

from liptako.audit.models import AuditEntry, AuditHead
from liptako.audit.rules import GENESIS_HASH, digest, entry_hash
from liptako.core.db import AUDIT_AT_COMMIT, insert_rows

_PENDING = "liptako.audit_pending"

_COLUMNS = ("seq", "at", "actor_id", "actor_name", "actor_state", "action", "target_type",
            "target_id", "before_digest", "after_digest", "detail", "prev_hash", "hash")
HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_name", "actor_state", "action", "target_type",
    "target_id", "before_digest", "after_digest", "detail",
)


@dataclass(frozen=True)
class Actor:
    """Who did it: a user, or the system itself (id None)."""

    id: int | None
    name: str
    state: str | None


SYSTEM = Actor(id=None, name="system", state=None)


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in HASHED_FIELDS}


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str | int | None,
    now: dt.datetime,
    before: Any = None,
    after: Any = None,
    detail: dict[str, Any] | None = None,
    seal_now: bool = False,
) -> AuditEntry:
    """Append one entry to the chain; it commits or rolls back with the caller's work.

    In sessions made by :func:`liptako.core.db.make_session_factory` the entry is staged and
    sealed (numbered, hashed, the chain's head locked) just before the transaction commits, so
    the head is locked for the commit alone, not for the whole request. Elsewhere, inside a
    savepoint, or with ``seal_now`` (the caller needs ``seq`` at once), it is sealed here and
    the head stays locked until the caller commits.
    """
    entry = AuditEntry(
        at=now,
        actor_id=actor.id,
        actor_name=actor.name,
        actor_state=actor.state,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        before_digest=None if before is None else digest(before),
        after_digest=None if after is None else digest(after),
        detail=detail,
    )
    if not session.in_transaction():
        session.begin()  # so that a rollback, even before any SQL, drops the staged entry
    session.info.setdefault(_PENDING, []).append(entry)
    if seal_now or not session.info.get(AUDIT_AT_COMMIT) or session.in_nested_transaction():
        seal(session)
    return entry


_HEAD = cast(Table, AuditHead.__table__)
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(seq=bindparam("seq"),
                                                        hash=bindparam("hash"))


def seal(session: Session) -> None:
    """Number, hash and add the staged entries, in the order they were recorded."""
    pending: list[AuditEntry] = session.info.get(_PENDING) or []
    if not pending:
        return
    session.info[_PENDING] = []
    conn = session.connection()  # plain statements on the session's own connection
    found = conn.execute(_READ_HEAD).one_or_none()
    seq, last = (0, GENESIS_HASH) if found is None else (found.seq, found.hash)
    rows = []
    for entry in pending:
        entry.seq, entry.prev_hash = seq + 1, last
        entry.hash = entry_hash(last, _fields(entry))
        rows.append({name: getattr(entry, name) for name in _COLUMNS})
        seq, last = entry.seq, entry.hash
    # entries are written, never changed, and the head is one row: plain statements, no unit
    # of work to track them
    insert_rows(session, AuditEntry.__table__, rows)  # type: ignore[arg-type]
    if found is None:
        conn.execute(insert(_HEAD).values(id=1, seq=seq, hash=last))
    else:
        conn.execute(_MOVE_HEAD, {"seq": seq, "hash": last})


@event.listens_for(Session, "before_commit")
def _seal_before_commit(session: Session) -> None:
    seal(session)


@event.listens_for(Session, "after_transaction_end")
def _drop_unsealed(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the transaction rolled back: so do its staged entries
        session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class ChainReport:
    """The outcome of walking the chain."""

    entries: int
    intact: bool
    broken_seq: int | None = None
    reason: str | None = None


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk every entry in order and recompute the chain."""
    prev, expected_seq, count = GENESIS_HASH, 1, 0
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    result = session.scalars(stmt)
    try:
        for entry in result:
            problem = _check_entry(entry, prev, expected_seq)
            if problem:
                return ChainReport(count, False, entry.seq, problem)
            prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    finally:
        result.close()
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != count or head.hash != prev):
        return ChainReport(
            count, False, count + 1,
            f"the chain ends at entry {count} but its head records entry {head.seq}: "
            "entries were removed from the end",
        )
    return ChainReport(count, True)


def _check_entry(entry: AuditEntry, prev: str, expected_seq: int) -> str | None:
    if entry.seq != expected_seq:
        return f"expected entry {expected_seq} next, found {entry.seq}: entries missing"
    if entry.prev_hash != prev:
        return "its previous-hash does not match the entry before it: removed or reordered"
    if entry_hash(prev, _fields(entry)) != entry.hash:
        return "its content does not match its hash: the entry was altered"
    return None
