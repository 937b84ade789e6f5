"""The worker: alert rules evaluated, the STIX store published, deliveries sent through a
receiver that fails and then recovers (retried, then delivered, signed), e-mail through a
real SMTP server; and a worker
killed with SIGKILL mid-send and restarted: nothing lost, a repeat only of the message in
flight, with the same idempotency key."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.alerts import NOW, incident, rule
from helpers.receiver import Receiver
from helpers.smtp import smtp_server
from liptako.alerts.models import Subscription
from liptako.cli.worker import run
from liptako.core.config import Settings
from liptako.core.db import make_engine
from liptako.core.delivery import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from liptako.core.outbox import OutboxMessage, enqueue
from liptako.intel.models import StixObject

LIPTAKO = str(Path(sys.executable).with_name("liptako"))
FAST = {"worker_poll_seconds": 0.05, "outbox_backoff_seconds": 0.05,
        "outbox_backoff_max_seconds": 0.2, "outbox_lease_seconds": 1.5,
        "webhook_timeout_seconds": 5}


def _wait(condition: object, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _stix_types(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return set(session.scalars(select(StixObject.type)))
    finally:
        engine.dispose()


def _statuses(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(OutboxMessage.status)
                                        .where(OutboxMessage.channel != "job")  # messages only
                                        .order_by(OutboxMessage.id)))
    finally:
        engine.dispose()


def test_the_worker_raises_alerts_and_delivers_them_through_failures(
        fresh_database_url: str) -> None:
    receiver = Receiver(fail_first=2)
    engine = make_engine(fresh_database_url)
    with smtp_server() as (box, port):
        with Session(engine) as session:
            rule(session, "events", threshold=1, days=366)  # the worker evaluates on today
            for state in ("MLI", "NER"):
                incident(session, state, days_ago=0)
            session.add_all([
                Subscription(state="NER", channel="webhook", target=receiver.url,
                             secret="niger-secret", language="fr", active=True, created_at=NOW),
                Subscription(state="MLI", channel="email", target="ops@mli.example",
                             language="en", active=True, created_at=NOW)])
            session.commit()
        settings = Settings(env="test", database_url=fresh_database_url, smtp_host="127.0.0.1",
                            smtp_port=port, **FAST)  # type: ignore[arg-type]
        stop = threading.Event()
        loop = threading.Thread(target=run, args=(settings, stop))
        loop.start()
        try:
            _wait(lambda: len(_statuses(fresh_database_url)) == 4
                  and set(_statuses(fresh_database_url)) == {"delivered"})
        finally:
            stop.set()
            loop.join(10)
            receiver.close()
        engine.dispose()
    # two alerts (Mali, Niger); Niger's webhook and Mali's mailbox get the alerts they may see
    delivered = receiver.accepted()
    assert [r.status for r in receiver.requests[:2]] == [503, 503]
    assert len(delivered) == 2  # the CLEAR alerts of Mali and Niger, once each
    assert len({r.headers[IDEMPOTENCY_HEADER] for r in receiver.requests}) == 2
    for got in delivered:
        assert verify("niger-secret", got.headers[TIMESTAMP_HEADER], got.body,
                      got.headers[SIGNATURE_HEADER])
        assert got.headers["Content-Type"].startswith("application/cap+xml")
    assert len(box.messages) == 2 and all(m[1] == ["ops@mli.example"] for m in box.messages)
    # the worker also published the registry and the incidents to the STIX store TAXII serves
    assert {"identity", "threat-actor", "location"} <= _stix_types(fresh_database_url)


def test_a_worker_killed_mid_send_loses_nothing(fresh_database_url: str, tmp_path: Path) -> None:
    receiver = Receiver(hold_at=3)
    engine = make_engine(fresh_database_url)
    with Session(engine) as session:
        keys = [f"liptako-test-{i}" for i in range(6)]
        for key in keys:
            enqueue(session, channel="webhook", destination=receiver.url, payload=f"<{key}/>",
                    idempotency_key=key, topic="test", now=NOW, options={"secret": "k"})
        session.commit()
    engine.dispose()
    env = {**os.environ, "LIPTAKO_DATABASE_URL": fresh_database_url, "LIPTAKO_ENV": "test",
           **{f"LIPTAKO_{k.upper()}": str(v) for k, v in FAST.items()}}

    def start() -> subprocess.Popen[bytes]:
        with (tmp_path / "worker.log").open("ab") as log:
            return subprocess.Popen([LIPTAKO, "worker"], env=env, stdout=log,
                                    stderr=subprocess.STDOUT)

    first = start()
    try:
        assert receiver.held.wait(30), "the third message never arrived"
        first.send_signal(signal.SIGKILL)  # mid-send: the receiver holds the third request
        first.wait(10)
        receiver.release.set()
        second = start()
        try:
            _wait(lambda: _statuses(fresh_database_url) == ["delivered"] * 6, 30)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(20) == 0
    finally:
        if first.poll() is None:
            first.kill()
        receiver.close()
    seen = Counter(r.headers[IDEMPOTENCY_HEADER] for r in receiver.requests)
    assert set(seen) == set(keys)  # nothing lost
    in_flight = receiver.requests[2].headers[IDEMPOTENCY_HEADER]
    assert {k for k, n in seen.items() if n > 1} <= {in_flight}  # at least once, same key
    assert all(n <= 2 for n in seen.values())


def _workers_of(pid: int) -> list[int]:
    """The `liptako worker` processes a process started."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid and b"worker" in cmdline and b"liptako" in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_serve_starts_one_worker_whatever_its_workers_and_stops_it(tmp_path: Path) -> None:
    import socket

    from liptako.core import migrate

    url = f"sqlite:///{tmp_path / 'serve.db'}"
    migrate.upgrade(Settings(env="test", database_url=url))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LIPTAKO_DATABASE_URL": url, "LIPTAKO_ENV": "dev"}
    with (tmp_path / "serve.log").open("w") as log:
        proc = subprocess.Popen([LIPTAKO, "serve", "--port", str(port), "--workers", "2"],
                                env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        _wait(lambda: _workers_of(proc.pid), 30)
        time.sleep(0.5)
        (worker,) = _workers_of(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0
    assert not Path(f"/proc/{worker}").exists() or \
        "Z" in Path(f"/proc/{worker}/stat").read_text().split()[2]


def test_alerts_evaluate_raises_alerts_at_once(fresh_database_url: str) -> None:
    import json

    engine = make_engine(fresh_database_url)
    with Session(engine) as session:
        rule(session, "events", threshold=1, days=366)
        incident(session, "NER", days_ago=0)
        session.commit()
    engine.dispose()
    env = {**os.environ, "LIPTAKO_DATABASE_URL": fresh_database_url}
    done = subprocess.run([LIPTAKO, "alerts", "evaluate", "--format", "json"], env=env,
                          capture_output=True, text=True, check=True)
    summary = json.loads(done.stdout)
    assert (summary["rules"], len(summary["raised"]), summary["deliveries"]) == (1, 1, 0)
