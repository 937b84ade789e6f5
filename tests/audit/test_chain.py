import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from factories.audit import record_entries
from liptako.audit import service as audit
from liptako.audit.rules import GENESIS_HASH

NOW = dt.datetime(2024, 5, 11, 8, 30, tzinfo=dt.UTC)
ANALYST = audit.Actor(id=7, name="awa", state="MLI")


def _record(session: Session, n: int) -> list[int]:
    return [entry.seq for entry in record_entries(session, n, actor=ANALYST, now=NOW)]


def test_entries_chain_their_predecessor(session: Session) -> None:
    start = audit.verify_chain(session).entries
    seqs = _record(session, 3)
    assert seqs == [start + 1, start + 2, start + 3]
    report = audit.verify_chain(session)
    assert report.intact and report.entries == start + 3


def test_first_entry_starts_from_genesis(session: Session) -> None:
    if audit.verify_chain(session).entries:
        return
    entry = audit.record(session, actor=audit.SYSTEM, action="x", target_type="t",
                         target_id=None, now=NOW)
    session.flush()  # sealed
    assert entry.prev_hash == GENESIS_HASH


def _drop_guards(session: Session) -> None:
    if session.bind.dialect.name == "sqlite":  # type: ignore[union-attr]
        session.execute(text("DROP TRIGGER audit_entry_no_update"))
        session.execute(text("DROP TRIGGER audit_entry_no_delete"))
    else:
        session.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))


def test_altered_entry_is_named(session: Session) -> None:
    seqs = _record(session, 3)
    _drop_guards(session)
    session.execute(text("UPDATE audit_entry SET actor_name = 'mallory' WHERE seq = :s"),
                    {"s": seqs[1]})
    session.expire_all()
    report = audit.verify_chain(session)
    assert not report.intact and report.broken_seq == seqs[1]
    assert "altered" in (report.reason or "")


def test_removed_entry_is_named(session: Session) -> None:
    seqs = _record(session, 3)
    _drop_guards(session)
    session.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": seqs[1]})
    session.expire_all()
    report = audit.verify_chain(session)
    assert not report.intact and report.broken_seq == seqs[2]


def test_removed_tail_is_detected(session: Session) -> None:
    seqs = _record(session, 2)
    _drop_guards(session)
    session.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": seqs[1]})
    session.expire_all()
    report = audit.verify_chain(session)
    assert not report.intact and report.broken_seq == seqs[1]


def test_reordered_entries_are_detected(session: Session) -> None:
    seqs = _record(session, 3)
    _drop_guards(session)
    # swap the content of two entries by swapping their sequence numbers
    session.execute(text("UPDATE audit_entry SET seq = -1 WHERE seq = :a"), {"a": seqs[0]})
    session.execute(text("UPDATE audit_entry SET seq = :a WHERE seq = :b"),
                    {"a": seqs[0], "b": seqs[1]})
    session.execute(text("UPDATE audit_entry SET seq = :b WHERE seq = -1"), {"b": seqs[1]})
    session.expire_all()
    report = audit.verify_chain(session)
    assert not report.intact and report.broken_seq == seqs[0]
