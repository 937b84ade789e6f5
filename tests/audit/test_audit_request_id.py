"""The request id on audit entries: hashed when set, so that the entries written before it
was kept verify as they always have and one written with it cannot be changed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from liptako.audit import service as audit
from liptako.audit.models import AuditEntry
from liptako.audit.rules import entry_hash
from liptako.core.logs import bind_request_id, unbind_request_id

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)


def _record(session: Session, request_id: str | None) -> AuditEntry:
    token = bind_request_id(request_id)
    try:
        entry = audit.record(session, actor=audit.SYSTEM, action="test.write",
                             target_type="test", target_id=1, now=NOW)
        session.flush()
    finally:
        unbind_request_id(token)
    return entry


def test_an_entry_without_request_id_hashes_as_before(session: Session) -> None:
    entry = _record(session, None)
    # the hash over the fields hashed before the request id was kept: what every entry
    # written before the migration carries
    before = {name: getattr(entry, name) for name in audit.HASHED_FIELDS}
    assert entry.hash == entry_hash(entry.prev_hash, before)
    assert audit.verify_chain(session).intact


def test_a_request_id_is_kept_and_cannot_be_changed_or_removed(session: Session) -> None:
    entry = _record(session, "req-0123456789")
    assert entry.request_id == "req-0123456789"
    assert audit.verify_chain(session).intact
    if session.bind.dialect.name == "sqlite":  # type: ignore[union-attr]
        session.execute(text("DROP TRIGGER audit_entry_no_update"))
    else:
        session.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
    for forged in ("req-other-id", None):
        session.execute(update(AuditEntry).where(AuditEntry.seq == entry.seq)
                        .values(request_id=forged))
        session.expire_all()
        found = audit.verify_chain(session)
        assert not found.intact
        assert found.broken_seq == entry.seq
