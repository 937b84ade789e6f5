"""The outbox: messages to send, written in the transaction of the change that makes them.

A use case that must tell the outside world (an alert to a state's webhook or mailbox, a
scheduled report) adds rows here with :func:`enqueue`, in its own transaction: the message
exists exactly when the change does. A worker (:mod:`liptako.cli.worker`) then drains the
table: :func:`claim` takes due messages for a while (a *lease*), the worker sends them outside
any transaction, and :func:`settle` records the outcome. A message whose send failed waits
for its next attempt, further each time (exponential backoff with jitter, :func:`retry_delay`),
until it is delivered or has used up its attempts ("failed", kept for people to see).

Delivery is at least once: a worker that dies after sending but before settling leaves its
claim to lapse, and the message is sent again with the same ``idempotency_key``, which the
receiver uses to drop the repeat. A message is claimed by one worker at a time: on PostgreSQL
the claim reads with ``FOR UPDATE SKIP LOCKED`` (concurrent workers pass over each other's
rows instead of waiting), on SQLite the claim transaction holds the only write lock; on both,
the lease (``claimed_until``) is what keeps a claim while the message is being sent.

The same table holds the worker's *jobs* (channel ``job``, :mod:`liptako.jobs`): the
destination names the kind of work, the payload holds its arguments as JSON, and the claim,
lease, backoff and settlement are those of a message; "delivered" means done.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import JSON, Index, String, Text, case, func, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from liptako.core.db import Base

CHANNELS = ("webhook", "email", "job")
SENT = ("webhook", "email")  # the channels the sender delivers; jobs are run instead
STATUSES = ("pending", "delivered", "failed")


class OutboxMessage(Base):
    """One message to one destination, and what became of it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next_attempt_at", "status",
                            "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    # a webhook's URL, or the e-mail addresses separated by commas
    destination: Mapped[str] = mapped_column(String(1000))
    # what the webhook receives as its body, or the e-mail as RFC 5322 text (without From,
    # To and Date, which the sender sets)
    payload: Mapped[str] = mapped_column(Text)
    # the channel's extras: the body's content type, the webhook's secret
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # the same on every attempt: the receiver drops a message it has already seen
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    # what made it, e.g. "alert_message:12", for the pages that show deliveries
    topic: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime]
    delivered_at: Mapped[dt.datetime | None]


@dataclass(frozen=True)
class Backoff:
    """When to try again: ``base`` seconds after the first failure, doubling each time up to
    ``cap``, each delay drawn between its half and itself ("equal jitter", so that receivers
    coming back are not hit by every sender at the same instant); ``attempts`` in all."""

    base: float
    cap: float
    attempts: int

    def __post_init__(self) -> None:
        if self.base <= 0 or self.cap < self.base or self.attempts < 1:
            raise ValueError(f"backoff: expected 0 < base <= cap and attempts >= 1, got "
                             f"base={self.base}, cap={self.cap}, attempts={self.attempts}")


def retry_delay(failures: int, policy: Backoff, rng: random.Random) -> float:
    """Seconds to wait after the ``failures``-th failed attempt (1 for the first).

    >>> policy = Backoff(base=30, cap=3600, attempts=10)
    >>> [round(retry_delay(n, policy, random.Random(1))) for n in (1, 2, 3, 9)]
    [17, 34, 68, 2042]
    """
    ceiling = min(policy.cap, policy.base * 2.0 ** (failures - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def enqueue(session: Session, *, channel: str, destination: str, payload: str,
            idempotency_key: str, topic: str, now: dt.datetime,
            options: dict[str, Any] | None = None) -> OutboxMessage:
    """Add a message, due now, to the caller's transaction."""
    if channel not in CHANNELS:
        raise ValueError(f"channel: expected one of {', '.join(CHANNELS)}, got {channel!r}")
    message = OutboxMessage(channel=channel, destination=destination, payload=payload,
                            options=options or {}, idempotency_key=idempotency_key, topic=topic,
                            status="pending", attempts=0, next_attempt_at=now, created_at=now)
    session.add(message)
    session.flush()
    return message


@dataclass(frozen=True)
class Claimed:
    """A message a worker holds until ``until``: what it needs to send it, outside any
    transaction."""

    id: int
    channel: str
    destination: str
    payload: str
    options: dict[str, Any]
    idempotency_key: str
    attempt: int
    until: dt.datetime


def claim(session: Session, *, worker: str, now: dt.datetime, lease: dt.timedelta,
          limit: int = 20, channels: tuple[str, ...] = SENT) -> list[Claimed]:
    """Take up to ``limit`` due messages of ``channels`` for ``worker`` until ``now + lease``:
    pending, due, and not held by a live claim. The caller commits at once, before sending."""
    due = (select(OutboxMessage)
           .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                  OutboxMessage.channel.in_(channels),
                  or_(OutboxMessage.claimed_until.is_(None),
                      OutboxMessage.claimed_until < now))
           .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    rows = list(session.scalars(due))
    until = now + lease
    for row in rows:
        row.claimed_by, row.claimed_until = worker, until
        row.attempts += 1
    session.flush()
    return [Claimed(r.id, r.channel, r.destination, r.payload, dict(r.options or {}),
                    r.idempotency_key, r.attempts, until) for r in rows]


def settle(session: Session, claimed: Claimed, *, worker: str, now: dt.datetime,
           error: str | None, policy: Backoff, rng: random.Random,
           final: bool = False) -> str | None:
    """Record how sending a claimed message went (``error`` None: delivered): delivered,
    pending again after a delay, or failed once its attempts are used up (or at once when
    the error is ``final``: trying again would fail the same way). Nothing happens when
    the claim was lost (the lease ran out and another worker took the message): the new
    holder settles it. Returns the message's status, or None for a lost claim."""
    held = (OutboxMessage.id == claimed.id, OutboxMessage.claimed_by == worker,
            OutboxMessage.status == "pending")
    if error is None:
        values: dict[str, Any] = {"status": "delivered", "delivered_at": now,
                                  "last_error": None}
    elif final or claimed.attempt >= policy.attempts:
        values = {"status": "failed", "last_error": error[:1000]}
    else:
        wait = dt.timedelta(seconds=retry_delay(claimed.attempt, policy, rng))
        values = {"status": "pending", "next_attempt_at": now + wait, "last_error": error[:1000]}
    done = session.execute(update(OutboxMessage).where(*held).values(
        claimed_by=None, claimed_until=None, **values))
    return str(values["status"]) if getattr(done, "rowcount", 0) == 1 else None


def messages_about(session: Session, topics: list[str]) -> list[OutboxMessage]:
    """The messages some records made, oldest first (for the pages that show deliveries)."""
    if not topics:
        return []
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.topic.in_(topics))
                                .order_by(OutboxMessage.id)))


@dataclass(frozen=True)
class Backlog:
    """Per kind of row ("message": deliveries; "job": the worker's jobs), how many are in
    each status, and when the oldest one still pending was written (absent: none pending)."""

    by_status: dict[tuple[str, str], int]
    oldest_pending_at: dict[str, dt.datetime]


def backlog(session: Session) -> Backlog:
    """The outbox's depth by kind and status and the age of what waits (for monitoring)."""
    kind = case((OutboxMessage.channel == "job", "job"), else_="message")
    counts = {(k, status): 0 for k in ("message", "job") for status in STATUSES}
    rows = session.execute(select(kind, OutboxMessage.status, func.count(OutboxMessage.id))
                           .group_by(kind, OutboxMessage.status))
    counts.update({(k, status): n
                   for k, status, n in cast("list[tuple[str, str, int]]", rows.all())})
    oldest = session.execute(select(kind, func.min(OutboxMessage.created_at))
                             .where(OutboxMessage.status == "pending").group_by(kind))
    return Backlog(counts, {k: at for k, at in cast("list[tuple[str, dt.datetime | None]]",
                                                     oldest.all()) if at is not None})
