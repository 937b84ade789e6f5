"""`liptako worker`: drain the outbox and evaluate the alert rules, until told to stop.

One loop, one process: every ``LIPTAKO_ALERT_EVALUATE_SECONDS`` it evaluates the alert rules
(one transaction: alerts raised, updated and ended, their deliveries written), every
``LIPTAKO_STIX_PUBLISH_SECONDS`` it brings the STIX store TAXII serves up to date with the
registry and the incidents (one transaction), every ``LIPTAKO_REPORT_CHECK_SECONDS`` it puts
the weekly situation reports that are due in the outbox (one transaction), and in between
it claims the messages due (one short transaction), sends each outside any transaction, and
records each outcome (one short transaction per message). When there is nothing to send it
waits ``LIPTAKO_WORKER_POLL_SECONDS``. SIGTERM or SIGINT stops it after the message in hand.

``liptako serve`` starts one such process beside the web server, whatever ``--workers`` is,
and stops it when it stops; the worker also stops by itself when the process that started it
is gone (``--parent``). Several workers may run at once (another host, ``liptako worker``
run by hand): the outbox's claims keep each message with one of them at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import signal
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer

from liptako.cli.common import settings_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from liptako.core.config import Settings
    from liptako.core.delivery import Sender
    from liptako.core.outbox import Backoff, Claimed

log = logging.getLogger("liptako.worker")


@dataclass
class Tally:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


def evaluate_alerts(factory: sessionmaker[Session], settings: Settings) -> None:
    """One evaluation of the alert rules, committed."""
    from liptako.alerts.evaluate import Issuer, evaluate
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction

    with transaction(factory) as session:
        report = evaluate(session, now=utcnow(), issuer=Issuer.of(settings.site_url))
    if report.raised or report.updated or report.ended:
        log.info("alerts: %d raised, %d updated, %d ended, %d deliveries queued",
                 len(report.raised), len(report.updated), len(report.ended), report.deliveries)


def publish_stix(factory: sessionmaker[Session]) -> None:
    """Bring the STIX store (what TAXII serves) up to date, committed."""
    from liptako.audit.service import SYSTEM
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction
    from liptako.intel.service import registry
    from liptako.obligations.stix_publish import publish

    with transaction(factory) as session:
        done = publish(session, registry=registry(session), actor=SYSTEM, now=utcnow())
    if done.stored:
        log.info("stix: %s stored, %d revoked", dict(done.stored), done.revoked)


def send_reports(factory: sessionmaker[Session], settings: Settings) -> None:
    """The weekly situation reports that are due, in the outbox, committed."""
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction
    from liptako.reports.weekly import send_weekly

    with transaction(factory) as session:
        result = send_weekly(session, now=utcnow(), site_url=settings.site_url)
    if result.sent:
        log.info("reports: %s", result.summary())
    for subscription_id, why in result.skipped:
        log.warning("reports: list %d skipped: %s", subscription_id, why)
    for subscription_id, why in result.failed:
        log.warning("reports: list %d failed: %s", subscription_id, why)


def _settle(factory: sessionmaker[Session], message: Claimed, error: str | None, *, name: str,
            policy: Backoff, rng: random.Random, tally: Tally) -> None:
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction
    from liptako.core.outbox import settle

    with transaction(factory) as session:
        outcome = settle(session, message, worker=name, now=utcnow(), error=error,
                         policy=policy, rng=rng)
    if outcome == "delivered":
        tally.delivered += 1
    elif outcome == "failed":
        tally.failed += 1
        log.warning("outbox: message %d failed for good after %d attempts: %s", message.id,
                    message.attempt, error)
    elif outcome == "pending":
        tally.retried += 1
        log.info("outbox: message %d attempt %d failed (%s); it will be tried again",
                 message.id, message.attempt, error)


def drain_once(factory: sessionmaker[Session], sender: Sender, *, name: str, policy: Backoff,
               rng: random.Random, lease: dt.timedelta, stop: threading.Event,
               tally: Tally) -> int:
    """Claim the messages due, send and settle each; how many were claimed."""
    from liptako.core.clock import utcnow
    from liptako.core.db import transaction
    from liptako.core.delivery import DeliveryError
    from liptako.core.outbox import claim

    # no more than can be sent, each taking up to its timeout, in half the lease
    timeout = sender.settings.webhook_timeout_seconds
    limit = max(1, min(20, int(lease.total_seconds() / 2 / timeout)))
    with transaction(factory) as session:
        batch = claim(session, worker=name, now=utcnow(), lease=lease, limit=limit)
    for message in batch:
        if stop.is_set() or utcnow() >= message.until:
            break  # left to lapse: another worker (or this one, later) takes them again
        try:
            sender.send(message)
            error = None
        except DeliveryError as exc:
            error = str(exc)
        _settle(factory, message, error, name=name, policy=policy, rng=rng, tally=tally)
    return len(batch)


def run(settings: Settings, stop: threading.Event, *, parent: int | None = None) -> Tally:
    """The loop, until ``stop`` is set (or the parent process is gone)."""
    from sqlalchemy.exc import SQLAlchemyError

    from liptako.core.db import make_engine, make_session_factory
    from liptako.core.delivery import Sender
    from liptako.core.outbox import Backoff

    engine = make_engine(settings.database_url, pool_size=1, max_overflow=0)  # one at a time
    factory = make_session_factory(engine)
    name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    policy = Backoff(settings.outbox_backoff_seconds, settings.outbox_backoff_max_seconds,
                     settings.outbox_max_attempts)
    lease = dt.timedelta(seconds=settings.outbox_lease_seconds)
    sender, rng, tally = Sender(settings), random.Random(), Tally()  # noqa: S311 - jitter
    evaluate_at = publish_at = report_at = 0.0
    try:
        while not stop.is_set() and (parent is None or os.getppid() == parent):
            try:
                if time.monotonic() >= evaluate_at:
                    evaluate_at = time.monotonic() + settings.alert_evaluate_seconds
                    evaluate_alerts(factory, settings)
                if time.monotonic() >= publish_at:
                    publish_at = time.monotonic() + settings.stix_publish_seconds
                    publish_stix(factory)
                if time.monotonic() >= report_at:
                    report_at = time.monotonic() + settings.report_check_seconds
                    send_reports(factory, settings)
                claimed = drain_once(factory, sender, name=name, policy=policy, rng=rng,
                                     lease=lease, stop=stop, tally=tally)
            except SQLAlchemyError as exc:  # the database is away: try again after a pause
                log.warning("worker: the database did not answer (%s)", exc)
                claimed = 0
            if not claimed:
                stop.wait(settings.worker_poll_seconds)
    finally:
        engine.dispose()
    return tally


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def worker(ctx: typer.Context,
           parent: int | None = typer.Option(None, hidden=True,
                                             help="Stop when this process is gone.")) -> None:
    """Deliver alerts (the outbox) and evaluate the alert rules until stopped."""
    settings = settings_of(ctx)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if settings.log_json:
        from liptako.core.logs import JsonFormatter

        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    stop = threading.Event()
    _stop_on_signals(stop)
    log.info("worker %d: delivering alerts, rules evaluated every %g s", os.getpid(),
             settings.alert_evaluate_seconds)
    tally = run(settings, stop, parent=parent)
    log.info("worker %d stopped: %d delivered, %d to be retried, %d failed", os.getpid(),
             tally.delivered, tally.retried, tally.failed)
