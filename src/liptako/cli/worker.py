"""`liptako worker`: run the jobs and drain the outbox, until told to stop.

One loop, one process. Every ``LIPTAKO_ALERT_EVALUATE_SECONDS`` it queues a job evaluating
the alert rules, every ``LIPTAKO_STIX_PUBLISH_SECONDS`` one bringing the STIX store TAXII
serves up to date, every ``LIPTAKO_REPORT_CHECK_SECONDS`` one putting the weekly reports that
are due in the outbox (:mod:`liptako.cli.jobrun`; each is queued only when none of its kind
still waits), and every ``LIPTAKO_IMPORT_SCAN_SECONDS`` it looks at the watched import folder
(``LIPTAKO_IMPORT_DIR``, when set). Then it runs the oldest job due (claimed for
``LIPTAKO_JOB_LEASE_SECONDS``; a failure is retried with the outbox's backoff and recorded),
claims the messages due (one short transaction), sends each outside any transaction, and
records each outcome (one short transaction per message). When there is nothing to do it
waits ``LIPTAKO_WORKER_POLL_SECONDS``. SIGTERM or SIGINT stops it after the job or message in
hand; a worker killed outright leaves its claims to lapse, and they are taken again.

``liptako serve`` starts one such process beside the web server, whatever ``--workers`` is,
and stops it when it stops; the worker also stops by itself when the process that started it
is gone (``--parent``). Several workers may run at once (another host, ``liptako worker``
run by hand): the outbox's claims keep each job and message with one of them at a time.
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

    from liptako.cli.jobrun import run_jobs_once, schedule_due, watch_folder
    from liptako.core.db import make_engine, make_session_factory
    from liptako.core.delivery import Sender
    from liptako.core.outbox import Backoff
    from liptako.jobs.folder import Sightings

    engine = make_engine(settings.database_url, pool_size=1, max_overflow=0)  # one at a time
    factory = make_session_factory(engine)
    name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    policy = Backoff(settings.outbox_backoff_seconds, settings.outbox_backoff_max_seconds,
                     settings.outbox_max_attempts)
    job_policy = Backoff(settings.outbox_backoff_seconds, settings.outbox_backoff_max_seconds,
                         settings.job_max_attempts)
    lease = dt.timedelta(seconds=settings.outbox_lease_seconds)
    sender, rng, tally = Sender(settings), random.Random(), Tally()  # noqa: S311 - jitter
    every = {"alerts": settings.alert_evaluate_seconds, "stix": settings.stix_publish_seconds,
             "reports": settings.report_check_seconds, "folder": settings.import_scan_seconds}
    due, sightings = dict.fromkeys(every, 0.0), Sightings()
    try:
        while not stop.is_set() and (parent is None or os.getppid() == parent):
            try:
                for kind in [k for k, at in due.items() if time.monotonic() >= at]:
                    due[kind] = time.monotonic() + every[kind]
                    if kind == "folder":
                        watch_folder(factory, settings, sightings)
                    else:
                        schedule_due(factory, kind)
                claimed = run_jobs_once(factory, settings, name=name, policy=job_policy,
                                        rng=rng, stop=stop)
                claimed += drain_once(factory, sender, name=name, policy=policy, rng=rng,
                                      lease=lease, stop=stop, tally=tally)
            except (SQLAlchemyError, OSError) as exc:  # the database or folder is away
                log.warning("worker: %s (tried again after a pause)", exc)
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
    """Run the jobs (imports, scans, alert rules, reports) and deliver alerts until stopped."""
    settings = settings_of(ctx)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if settings.log_json:
        from liptako.core.logs import JsonFormatter

        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    stop = threading.Event()
    _stop_on_signals(stop)
    log.info("worker %d: running jobs and delivering alerts, rules evaluated every %g s%s",
             os.getpid(), settings.alert_evaluate_seconds,
             f", watching {settings.import_dir}" if settings.import_dir else "")
    tally = run(settings, stop, parent=parent)
    log.info("worker %d stopped: %d delivered, %d to be retried, %d failed", os.getpid(),
             tally.delivered, tally.retried, tally.failed)
