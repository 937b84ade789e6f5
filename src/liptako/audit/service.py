"""Recording and verifying the audit chain. Services record; the caller commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, func, insert, select, update
from sqlalchemy.orm import Session

from liptako.audit.models import AuditEntry, AuditHead
from liptako.audit.rules import GENESIS_HASH, digest, entry_hash
from liptako.core.logs import current_request_id

HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_name", "actor_state", "action", "target_type",
    "target_id", "before_digest", "after_digest", "detail",
)
# hashed when set only: an entry without one (all those written before it was kept, the
# command line's) hashes as it always has, so the old chain still verifies, while a request
# id once written can be neither changed nor removed without breaking the chain
OPTIONAL_HASHED_FIELDS = ("request_id",)


@dataclass(frozen=True)
class Actor:
    """Who did it: a user, or the system itself (id None)."""

    id: int | None
    name: str
    state: str | None


SYSTEM = Actor(id=None, name="system", state=None)


def _fields(entry: AuditEntry) -> dict[str, Any]:
    fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
    fields.update({name: getattr(entry, name) for name in OPTIONAL_HASHED_FIELDS
                   if getattr(entry, name) is not None})
    return fields


_HEAD = cast(Table, AuditHead.__table__)
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(seq=bindparam("seq"),
                                                        hash=bindparam("hash"))
_STAGED = "liptako.audit_staged"


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
) -> AuditEntry:
    """Append one entry to the chain; it commits or rolls back with the caller's work.

    The entry is sealed into the chain (numbered, hashed, the chain's head moved and locked
    until the transaction ends) when the session next flushes: at the latest when it
    commits, so that the head is held for the end of the transaction only. A caller that
    needs ``seq`` at once flushes. The entry keeps the id of the web request being served,
    if any (``core.logs``), so that its log lines can be found from it.
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
        request_id=current_request_id(),
    )
    session.add(entry)
    session.info.setdefault(_STAGED, []).append(entry)
    # the session that records an entry is the one that seals it, whoever made the session
    if not event.contains(session, "before_flush", _seal_staged):
        event.listen(session, "before_flush", _seal_staged)
    return entry


def _seal_staged(session: Session, _context: object, _instances: object) -> None:
    """Seal the entries recorded since the last flush, in the order they were recorded (a
    rollback has taken those of the work it undid out of the session: they are left out)."""
    pending = session.new
    staged = [e for e in session.info.pop(_STAGED, []) if e in pending]
    if not staged:
        return
    conn = session.connection()
    found = conn.execute(_READ_HEAD).one_or_none()
    seq, last = (0, GENESIS_HASH) if found is None else (found.seq, found.hash)
    for entry in staged:
        entry.seq, entry.prev_hash = seq + 1, last
        entry.hash = entry_hash(last, _fields(entry))
        seq, last = entry.seq, entry.hash
    if found is None:
        conn.execute(insert(_HEAD).values(id=1, seq=seq, hash=last))
    else:
        conn.execute(_MOVE_HEAD, {"seq": seq, "hash": last})


@dataclass(frozen=True)
class Anchor:
    """The chain's head at a moment: kept outside the database (a log, a partner, a signed
    file), it lets a later check tell that the chain still reaches it."""

    seq: int
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}

    @classmethod
    def parse(cls, data: Any) -> Anchor:
        """An anchor from its JSON form; ValueError naming what is wrong."""
        if not isinstance(data, dict) or not isinstance(data.get("seq"), int) \
                or not isinstance(data.get("hash"), str) or len(data["hash"]) != 64:
            raise ValueError('anchor: expected {"seq": <entry number>, "hash": <64 hex '
                             f"characters>}}, got {data!r}")
        return cls(data["seq"], data["hash"])


def last_recorded(session: Session, action: str) -> dict[str, dt.datetime]:
    """When ``action`` was last recorded, by target (e.g. the last import of each source)."""
    rows = session.execute(select(AuditEntry.target_id, func.max(AuditEntry.at))
                           .where(AuditEntry.action == action).group_by(AuditEntry.target_id))
    return {str(target): at for target, at in rows if at is not None}


def anchor(session: Session) -> Anchor:
    """The chain's head now."""
    head = session.get(AuditHead, 1)
    return Anchor(0, GENESIS_HASH) if head is None else Anchor(head.seq, head.hash)


def reaches(session: Session, mark: Anchor) -> str | None:
    """Why the chain no longer reaches ``mark`` (None when it does): the entry it names
    must still be there, with the same hash."""
    if mark.seq == 0:
        return None if mark.hash == GENESIS_HASH else "anchor: entry 0 is the genesis"
    found = session.get(AuditEntry, mark.seq)
    if found is None:
        return (f"the anchored entry {mark.seq} is gone: the chain was cut back "
                f"(it now ends at {anchor(session).seq})")
    if found.hash != mark.hash:
        return f"the anchored entry {mark.seq} has another hash: the chain was rewritten"
    return None


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
