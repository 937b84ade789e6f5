"""kill -9 of ``liptako serve`` (its uvicorn workers and its alert worker with it) while
clients report incidents: after a restart on the same database every report the server
acknowledged (201) is there with its fields, nothing is half-written (an incident without its
actors, its determination or its audit entry), and the audit chain verifies.

A request the kill cut off may or may not have been committed: the client was told nothing,
and either way the record is whole or absent.
"""

from __future__ import annotations

import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from factories.incidents import report
from helpers.served import Server, assert_audit_verifies, call, half_written, scalar, seed, token

WRITERS = 4
ACKNOWLEDGED_BEFORE_KILL = 12  # then the kill lands while the writers are still writing
MAX_PER_WRITER = 200  # a bound on the loop should the kill never come


def _writers(base: str, bearer: str, killed: threading.Event
             ) -> tuple[list[threading.Thread], dict[int, str], list[str]]:
    """Threads that report incidents until the server is gone; the acknowledged ids with
    their descriptions, and any answer that was neither 201 nor a cut connection."""
    acknowledged: dict[int, str] = {}
    unexpected: list[str] = []

    def write(writer: int) -> None:
        for i in range(MAX_PER_WRITER):
            description = f"writer {writer} report {i}"
            try:
                answer = call(base, "POST", "/api/v1/incidents", token=bearer,
                              body=report(description=description), timeout=20)
            except (OSError, http.client.HTTPException):  # refused, reset or cut: the kill
                if killed.wait(5):
                    return
                unexpected.append(f"{description}: connection lost before the kill")
                return
            if answer.status == 201:
                acknowledged[answer.body["id"]] = description
            else:
                unexpected.append(f"{description}: {answer.status} {answer.body}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    return threads, acknowledged, unexpected


def _kill_mid_stream(server: Server) -> dict[int, str]:
    killed = threading.Event()
    threads, acknowledged, unexpected = _writers(server.base, token(server.base), killed)
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()
    killed.set()
    for thread in threads:
        thread.join(timeout=30)
    assert unexpected == [], server.tail()
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL, server.tail()
    return dict(acknowledged)


def test_acknowledged_reports_survive_kill_9_whole(fresh_database_url: str,
                                                   tmp_path: Path) -> None:
    url = fresh_database_url
    seed(url)
    log = tmp_path / "serve.log"
    server = Server(url, log, workers=2, outbox_worker=True).wait_ready(90)
    try:
        acknowledged = _kill_mid_stream(server)
    finally:
        server.stop()

    again = Server(url, log).wait_ready(90)
    try:
        bearer = token(again.base)
        with ThreadPoolExecutor(4) as pool:
            read = dict(zip(acknowledged, pool.map(
                lambda i: call(again.base, "GET", f"/api/v1/incidents/{i}", token=bearer),
                acknowledged), strict=True))
    finally:
        again.stop()
    lost = {i: answer.status for i, answer in read.items() if answer.status != 200}
    assert lost == {}, again.tail()
    for incident_id, answer in read.items():
        got = answer.body
        assert (got["description"], got["fatalities"], got["event_type"], got["iso3"]) == (
            acknowledged[incident_id], 12, "battle", "BFA")
        assert [a["actor_id"] for a in got["actors"]] == ["jnim"]
        assert [d["pact"] for d in got["determinations"]] == ["aes-2023"]
    assert half_written(url) == []
    created = scalar(url, "SELECT count(*) FROM audit_entry WHERE action = 'incident.create'")
    assert created == scalar(url, "SELECT count(*) FROM incident") >= len(acknowledged)
    assert_audit_verifies(url)
