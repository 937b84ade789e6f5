"""Audit entries are sealed into the chain when their session flushes (at the latest when it
commits), the same way in the server, the CLI and the tests.

Sealing locks the chain's head until the transaction ends, so writers take turns and the chain
stays whole in commit order; another transaction can record and commit while one that has
recorded is still working; a transaction that rolls back leaves neither an entry nor a gap.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from liptako.audit import service as audit
from liptako.audit.models import AuditEntry
from liptako.core.db import make_engine, make_session_factory

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ANALYST = audit.Actor(id=None, name="awa", state="MLI")


@pytest.fixture
def engine(fresh_database_url: str) -> Engine:
    eng = make_engine(fresh_database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def _record(session: Session, target: int) -> AuditEntry:
    return audit.record(session, actor=ANALYST, action="incident.create",
                        target_type="incident", target_id=target, now=NOW,
                        after={"target": target})


def _targets(factory: sessionmaker[Session]) -> list[str | None]:
    with factory() as session:
        return list(session.scalars(select(AuditEntry.target_id).order_by(AuditEntry.seq)))


def test_entries_are_numbered_at_flush_in_the_order_recorded(
        factory: sessionmaker[Session]) -> None:
    with factory() as session:
        entries = [_record(session, 1), _record(session, 2)]
        assert [e.seq for e in entries] == [None, None]  # staged, not yet in the chain
        session.flush()
        assert [e.seq for e in entries] == [1, 2]
        assert entries[1].prev_hash == entries[0].hash
        session.commit()
    with factory() as session:
        assert audit.verify_chain(session).intact
    assert _targets(factory) == ["1", "2"]


def test_a_rolled_back_transaction_leaves_no_entry_and_no_gap(
        factory: sessionmaker[Session]) -> None:
    with factory() as session:
        _record(session, 1)
        session.rollback()
        _record(session, 2)
        session.commit()
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1
        report = audit.verify_chain(session)
        assert report.intact and report.entries == 1
    assert _targets(factory) == ["2"]


def test_a_second_writer_waits_for_the_first_to_end(
        factory: sessionmaker[Session], engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("on SQLite a second writer waits at BEGIN, before it records anything")
    first = factory()
    _record(first, 1)
    first.flush()  # sealed: holds the chain's head until it ends
    second = factory()
    second.execute(text("SET LOCAL lock_timeout = '1s'"))  # fails fast, not after 5 s
    _record(second, 2)
    with pytest.raises(OperationalError):
        second.flush()
    second.close()
    first.commit()
    first.close()
    with factory() as session:
        _record(session, 3)
        session.commit()
    assert _targets(factory) == ["1", "3"]
    with factory() as session:
        assert audit.verify_chain(session).intact


def test_another_transaction_commits_while_one_is_still_working(
        factory: sessionmaker[Session], engine: Engine) -> None:
    slow = factory()
    _record(slow, 1)  # recorded, still working: not sealed yet
    fast = factory()
    if engine.dialect.name == "postgresql":  # a wait on the head fails fast, not after 5 s
        fast.execute(text("SET LOCAL lock_timeout = '1s'"))
    else:
        fast.execute(text("PRAGMA busy_timeout = 1000"))
    _record(fast, 2)
    try:
        fast.commit()
    except OperationalError as exc:  # pragma: no cover - the failure this test exists for
        pytest.fail(f"the second transaction waited on the first: {exc}")
    finally:
        fast.close()
    slow.commit()
    slow.close()
    assert _targets(factory) == ["2", "1"]  # commit order
    with factory() as session:
        assert audit.verify_chain(session).intact


def test_a_rolled_back_savepoint_takes_its_unsealed_entries_with_it(
        factory: sessionmaker[Session]) -> None:
    with factory() as session:
        _record(session, 1)
        savepoint = session.begin_nested()  # flushes: entry 1 sealed
        _record(session, 2)
        savepoint.rollback()
        _record(session, 3)
        session.commit()
    assert _targets(factory) == ["1", "3"]
    with factory() as session:
        assert audit.verify_chain(session).intact


def test_concurrent_writers_keep_the_chain_whole(factory: sessionmaker[Session],
                                                engine: Engine) -> None:
    threads, per_thread = 6, 5
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for i in range(per_thread):
                with factory() as session:
                    _record(session, worker * 100 + i)
                    _record(session, worker * 100 + i)
                    session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    pool = [threading.Thread(target=write, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert not errors
    with factory() as session:
        report = audit.verify_chain(session)
    assert report.intact and report.entries == threads * per_thread * 2


def test_inside_a_savepoint_entries_are_sealed_at_its_flush(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        with session.begin_nested():
            entry = _record(session, 1)
            session.flush()
            assert entry.seq == 1
        session.commit()
    assert _targets(factory) == ["1"]
