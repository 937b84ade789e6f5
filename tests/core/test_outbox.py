"""The outbox: claims with a lease, one holder at a time, settled as delivered, retried with
a growing delay, or failed once the attempts are used up; a lost claim settles nothing."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy.orm import Session

from liptako.core import outbox
from liptako.core.outbox import Backoff, OutboxMessage, claim, enqueue, retry_delay, settle

NOW = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=60)
POLICY = Backoff(base=10, cap=100, attempts=3)


def _message(session: Session, key: str = "k1") -> OutboxMessage:
    return enqueue(session, channel="webhook", destination="http://127.0.0.1:9/", payload="x",
                   idempotency_key=key, topic="test:1", now=NOW)


def test_a_claim_holds_until_its_lease_ends(session: Session) -> None:
    made = _message(session)
    (got,) = claim(session, worker="a", now=NOW, lease=LEASE)
    assert (got.id, got.attempt, got.idempotency_key) == (made.id, 1, "k1")
    assert claim(session, worker="b", now=NOW + dt.timedelta(seconds=59), lease=LEASE) == []
    # worker a died: its lease lapses and b sends it again, same key
    (again,) = claim(session, worker="b", now=NOW + dt.timedelta(seconds=61), lease=LEASE)
    assert (again.id, again.attempt, again.idempotency_key) == (made.id, 2, "k1")
    # a's late report changes nothing: b holds the message now
    rng = random.Random(0)
    assert settle(session, got, worker="a", now=NOW, error=None, policy=POLICY, rng=rng) is None
    assert settle(session, again, worker="b", now=NOW, error=None, policy=POLICY,
                  rng=rng) == "delivered"
    session.refresh(made)
    assert (made.status, made.claimed_by, made.delivered_at) == ("delivered", None, NOW)


def test_failures_wait_longer_each_time_then_give_up(session: Session) -> None:
    made = _message(session)
    rng = random.Random(0)
    now = NOW
    waits = []
    for attempt in (1, 2):
        (got,) = claim(session, worker="w", now=now, lease=LEASE)
        assert got.attempt == attempt
        assert settle(session, got, worker="w", now=now, error="503", policy=POLICY,
                      rng=rng) == "pending"
        session.refresh(made)
        waits.append((made.next_attempt_at - now).total_seconds())
        assert claim(session, worker="w", now=now, lease=LEASE) == []  # not due yet
        now = made.next_attempt_at
    assert 5 <= waits[0] <= 10 and 10 <= waits[1] <= 20
    (last,) = claim(session, worker="w", now=now, lease=LEASE)
    assert settle(session, last, worker="w", now=now, error="503", policy=POLICY,
                  rng=rng) == "failed"
    session.refresh(made)
    assert (made.status, made.attempts, made.last_error) == ("failed", 3, "503")
    assert claim(session, worker="w", now=now + dt.timedelta(days=1), lease=LEASE) == []


def test_backoff_doubles_up_to_its_cap_with_jitter() -> None:
    policy = Backoff(base=1, cap=8, attempts=10)
    rng = random.Random(42)
    for failures, ceiling in ((1, 1), (2, 2), (3, 4), (4, 8), (9, 8)):
        delays = [retry_delay(failures, policy, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jitter


def test_claims_take_due_messages_in_order_up_to_the_limit(session: Session) -> None:
    made = [_message(session, f"k{i}") for i in range(5)]
    got = claim(session, worker="w", now=NOW, lease=LEASE, limit=3)
    assert [g.id for g in got] == [m.id for m in made[:3]]
    assert [g.id for g in claim(session, worker="v", now=NOW, lease=LEASE)] == \
        [m.id for m in made[3:]]
    assert outbox.messages_about(session, ["test:1"]) == made


def test_concurrent_claims_pass_over_each_others_rows(fresh_database_url: str) -> None:
    """PostgreSQL: a second worker claiming while the first's claim is not yet committed gets
    the next message at once (SKIP LOCKED), neither the same one nor a wait. (SQLite has one
    writer at a time: the second claim waits for the first to commit, then sees its lease.)"""
    import pytest
    from sqlalchemy.orm import sessionmaker

    from liptako.core.db import make_engine

    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises writers")
    engine = make_engine(fresh_database_url)
    factory = sessionmaker(bind=engine)
    try:
        with factory() as setup:
            made = [_message(setup, f"k{i}").id for i in range(2)]
            setup.commit()
        with factory() as first, factory() as second:
            (a,) = claim(first, worker="a", now=NOW, lease=LEASE, limit=1)
            (b,) = claim(second, worker="b", now=NOW, lease=LEASE, limit=1)
            assert [a.id, b.id] == made
            second.commit()
            first.commit()
    finally:
        engine.dispose()
