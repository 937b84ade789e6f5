"""Jobs: queued by hand and audited, retried with backoff after failures and then done, a
worker killed with SIGKILL while it holds a job and a new one finishing it once, and the
watched import folder taking a dropped file once and filing away a malformed one."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from helpers.data import ACLED_DYADIC, acled_rows, to_csv
from liptako.audit.models import AuditEntry
from liptako.audit.service import SYSTEM
from liptako.cli.main import app
from liptako.cli.worker import run
from liptako.core.clock import utcnow
from liptako.core.config import Settings
from liptako.core.db import make_engine
from liptako.core.outbox import OutboxMessage
from liptako.incidents.models import Incident
from liptako.jobs.service import enqueue_job

LIPTAKO = str(Path(sys.executable).with_name("liptako"))
EVENTS = 319  # in the dyadic excerpt
# periodic work out of the way (queued once at start), a fast loop, short leases and backoff
FAST: dict[str, Any] = {"worker_poll_seconds": 0.05, "outbox_backoff_seconds": 0.3,
                        "outbox_backoff_max_seconds": 0.6, "job_lease_seconds": 1.5,
                        "alert_evaluate_seconds": 3600, "stix_publish_seconds": 3600,
                        "report_check_seconds": 3600, "import_scan_seconds": 0.1}
runner = CliRunner()


def _wait(condition: Callable[[], object], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _read(url: str, query: Any) -> list[Any]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return list(session.execute(query))
    finally:
        engine.dispose()


def _job(url: str, job_id: int) -> Any:
    return _read(url, select(OutboxMessage.status, OutboxMessage.attempts,
                             OutboxMessage.last_error, OutboxMessage.next_attempt_at,
                             OutboxMessage.claimed_by).where(OutboxMessage.id == job_id))[0]


def _incidents(url: str) -> int:
    return int(_read(url, select(func.count()).select_from(Incident))[0][0])


def _enqueue(url: str, kind: str, args: dict[str, Any]) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            job, _new = enqueue_job(session, kind, args, actor=SYSTEM, now=utcnow())
            session.commit()
            return job.id
    finally:
        engine.dispose()


@contextmanager
def _worker(url: str, **extra: Any) -> Iterator[None]:
    """A worker loop in a thread, stopped at the end."""
    stop = threading.Event()
    loop = threading.Thread(target=run, args=(Settings(env="test", database_url=url,
                                                       **{**FAST, **extra}), stop),
                            daemon=True)  # not left blocking the run if a test fails
    loop.start()
    try:
        yield
    finally:
        stop.set()
        loop.join(20)


def test_jobs_are_queued_run_listed_retried_and_audited(fresh_database_url: str,
                                                        tmp_path: Path) -> None:
    env = {"LIPTAKO_DATABASE_URL": fresh_database_url}
    data = tmp_path / "events.csv"
    shutil.copy(ACLED_DYADIC, data)
    first = runner.invoke(app, ["jobs", "enqueue", "import", str(data), "--source", "acled"],
                          env=env)
    again = runner.invoke(app, ["jobs", "enqueue", "import", str(data), "--source", "acled"],
                          env=env)
    assert first.exit_code == 0 and "job 1: import queued" in first.output
    assert "job 1: the same import is already queued" in again.output  # keyed by content
    assert runner.invoke(app, ["jobs", "enqueue", "reevaluate"], env=env).exit_code == 0
    # a study period before any event: the scan refuses, once (trying again would not help)
    assert runner.invoke(app, ["jobs", "enqueue", "scan", "--to", "1990-01"],
                         env=env).exit_code == 0
    listed = runner.invoke(app, ["jobs", "list", "--status", "pending"], env=env).output
    assert "import" in listed and "reevaluate" in listed and "jobs: 3 shown" in listed
    assert "by system (" in listed and "source=acled" in listed
    refused = runner.invoke(app, ["jobs", "retry", "1"], env=env)
    assert refused.exit_code == 2 and "expected a failed job, got a pending one" in refused.output
    with _worker(fresh_database_url):
        _wait(lambda: _job(fresh_database_url, 3).status == "failed")
    assert [tuple(_job(fresh_database_url, n)[:2]) for n in (1, 2, 3)] == [
        ("delivered", 1), ("delivered", 1), ("failed", 1)]
    assert "events: expected at least one" in _job(fresh_database_url, 3).last_error
    assert _incidents(fresh_database_url) == EVENTS
    failed = runner.invoke(app, ["jobs", "list", "--status", "failed"], env=env).output
    assert "scan" in failed and "last error: RuleViolation: events:" in failed
    assert "job 3: queued again" in runner.invoke(app, ["jobs", "retry", "3"], env=env).output
    entries = _read(fresh_database_url, select(AuditEntry.action, AuditEntry.actor_name,
                                               AuditEntry.target_id)
                    .where(AuditEntry.target_type == "job").order_by(AuditEntry.seq))
    assert [(a, t) for a, _who, t in entries] == [
        ("job.enqueue", "1"), ("job.enqueue", "2"), ("job.enqueue", "3"), ("job.done", "1"),
        ("job.done", "2"), ("job.failed", "3"), ("job.retry", "3")]
    assert entries[0][1].startswith("system (")  # the shell's account


class _OnRetry(logging.Handler):
    """Runs ``then`` in the worker, right after its ``n``-th failed attempt is recorded."""

    def __init__(self, n: int, then: Callable[[], None]) -> None:
        super().__init__()
        self.n, self.then, self.failures = n, then, []  # type: list[float]

    def emit(self, record: logging.LogRecord) -> None:
        if "will be tried again" in record.getMessage():
            self.failures.append(record.created)
            if len(self.failures) == self.n:
                self.then()


def test_a_failing_job_is_retried_with_backoff_then_done(fresh_database_url: str,
                                                         tmp_path: Path) -> None:
    late = tmp_path / "late.csv"  # not there for the first two attempts
    job_id = _enqueue(fresh_database_url, "import", {"path": str(late), "source": "acled"})
    waiting: list[Any] = []

    def after_two_failures() -> None:
        waiting.append(_job(fresh_database_url, job_id))  # as recorded for people to see
        shutil.copy(ACLED_DYADIC, late)

    watch, log = _OnRetry(2, after_two_failures), logging.getLogger("liptako.worker")
    level = log.level
    log.setLevel(logging.INFO)
    log.addHandler(watch)
    try:
        with _worker(fresh_database_url):
            _wait(lambda: _job(fresh_database_url, job_id).status == "delivered")
    finally:
        log.removeHandler(watch)
        log.setLevel(level)
    done = _job(fresh_database_url, job_id)
    assert done.attempts == 3 and done.last_error is None
    [before] = waiting
    assert (before.status, before.attempts) == ("pending", 2)
    assert "FileNotFoundError" in before.last_error and str(late) in before.last_error
    # the second attempt waited at least half its ceiling (0.3 s) after the first failure
    assert watch.failures[1] - watch.failures[0] >= 0.15
    assert _incidents(fresh_database_url) == EVENTS
    outcomes = _read(fresh_database_url, select(AuditEntry.action, AuditEntry.detail)
                     .where(AuditEntry.action.like("job.%")).order_by(AuditEntry.seq))
    assert [a for a, _d in outcomes][-1] == "job.done" and outcomes[-1][1]["attempts"] == 3


def test_a_job_held_by_a_killed_worker_is_done_once_by_the_next(fresh_database_url: str,
                                                                 tmp_path: Path) -> None:
    if not fresh_database_url.startswith("sqlite"):
        # a worker process starting takes most of this test's time; the claim's lease is
        # the same on PostgreSQL, where tests/cli/test_worker.py kills a worker as well
        pytest.skip("run on SQLite only, to keep the suite's time")
    pipe = tmp_path / "export.csv"
    os.mkfifo(pipe)  # the import blocks reading it until the test writes the export
    job_id = _enqueue(fresh_database_url, "import", {"path": str(pipe), "source": "acled"})
    env = {**os.environ, "LIPTAKO_DATABASE_URL": fresh_database_url, "LIPTAKO_ENV": "test",
           **{f"LIPTAKO_{k.upper()}": str(v) for k, v in FAST.items()}}

    with (tmp_path / "worker.log").open("ab") as log:
        first = subprocess.Popen([LIPTAKO, "worker"], env=env, stdout=log,
                                 stderr=subprocess.STDOUT)
    try:
        _wait(lambda: _job(fresh_database_url, job_id).claimed_by is not None, 30)
        held_by = _job(fresh_database_url, job_id).claimed_by
        first.send_signal(signal.SIGKILL)  # while it holds the job
        assert first.wait(10) == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
    with _worker(fresh_database_url):  # a new worker (in this process, to spare a start-up)
        _wait(lambda: _job(fresh_database_url, job_id).claimed_by not in (None, held_by), 30)
        pipe.write_bytes(ACLED_DYADIC.read_bytes())  # the lease lapsed; the new one reads
        _wait(lambda: _job(fresh_database_url, job_id).status == "delivered", 30)
    done = _job(fresh_database_url, job_id)
    assert done.attempts == 2 and done.last_error is None
    assert _incidents(fresh_database_url) == EVENTS
    finished = _read(fresh_database_url, select(AuditEntry.target_id)
                     .where(AuditEntry.action == "job.done"))
    assert [t for (t,) in finished].count(str(job_id)) == 1


def test_the_watched_folder_imports_a_file_once_and_files_away_bad_ones(
        fresh_database_url: str, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    header, rows = acled_rows(ACLED_DYADIC, 3)
    for row in rows:
        row["event_date"] = "sometime"
    with _worker(fresh_database_url, import_dir=inbox):
        shutil.copy(ACLED_DYADIC, inbox / "week1.csv")
        (inbox / "week2.csv.part").write_bytes(b"event_id_cnty,half written")  # not taken
        _wait(lambda: (inbox / "done" / "week1.csv").exists())
        shutil.copy(ACLED_DYADIC, inbox / "again.csv")  # the same content, another name
        (inbox / "bad.csv").write_text(to_csv(header, rows), encoding="utf-8")
        (inbox / "notes.csv").write_text("title,text\nhello,world\n", encoding="utf-8")
        _wait(lambda: (inbox / "done" / "again.csv").exists()
              and (inbox / "failed" / "bad.csv").exists()
              and (inbox / "failed" / "notes.csv").exists())
    assert _incidents(fresh_database_url) == EVENTS
    imports = _read(fresh_database_url, select(OutboxMessage.status, OutboxMessage.attempts)
                    .where(OutboxMessage.topic == "job:import").order_by(OutboxMessage.id))
    assert [tuple(r) for r in imports] == [("delivered", 1), ("failed", 1)]  # no retry of bad
    bad = (inbox / "failed" / "bad.csv.error.txt").read_text(encoding="utf-8")
    assert "bad.csv: most rows were rejected (3 of 3)" in bad
    assert f"line 2 (event {rows[0]['event_id_cnty']}): event_date: expected a date" in bad
    notes = (inbox / "failed" / "notes.csv.error.txt").read_text(encoding="utf-8")
    assert "line 1: header: expected an ACLED export" in notes and "title, text" in notes
    assert sorted(p.name for p in inbox.iterdir()) == ["done", "failed", "week2.csv.part"]
