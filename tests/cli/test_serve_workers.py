"""``liptako serve --workers N``: uvicorn's own worker processes, their JSON log lines,
/metrics summing both, a clean stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from helpers.served import free_port
from liptako.core import migrate
from liptako.core.config import Settings

LIPTAKO = str(Path(sys.executable).with_name("liptako"))


def _children(pid: int) -> list[int]:
    """The worker processes (not multiprocessing's resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if (int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid
                    and b"spawn_main" in (stat.parent / "cmdline").read_bytes()):
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _get(conn: socket.socket, path: str = "/api/v1/health") -> bytes:
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
    answer = b""
    while part := conn.recv(65536):  # the whole answer: the server closes after it
        answer += part
    return answer


def _served_by(log: Path) -> dict[int, int]:
    """Health requests answered, by worker process, from the JSON access lines."""
    counts: dict[int, int] = {}
    for text in log.read_text().splitlines():
        line = json.loads(text) if text.startswith("{") else {}
        if line.get("logger") == "liptako.access" and line.get("route") == "/api/v1/health":
            assert line["status"] == 200 and len(line["request_id"]) == 32, line
            counts[line["pid"]] = counts.get(line["pid"], 0) + 1
    return counts


def _counted(scrape: bytes) -> float:
    """The health requests /metrics counted, over every worker."""
    return sum(s.value for family in text_string_to_metric_families(scrape.decode())
               for s in family.samples if s.name == "liptako_http_requests_total"
               and s.labels["route"] == "/api/v1/health")


def _scrape(port: int, log: Path) -> bytes:
    """/metrics once it counts every answered request (a request is counted once its answer
    is sent: the last one's count may trail it)."""
    for _ in range(50):
        with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
            scrape = _get(conn, "/metrics").split(b"\r\n\r\n", 1)[1]
        if _counted(scrape) == sum(_served_by(log).values()):
            break
        time.sleep(0.2)
    return scrape


def test_workers_share_the_port_and_stop_together(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    migrate.upgrade(Settings(env="test", database_url=url))
    port = free_port()
    env = {**os.environ, "LIPTAKO_DATABASE_URL": url, "LIPTAKO_ENV": "dev",
           "LIPTAKO_LOG_FORMAT": "json", "LIPTAKO_METRICS_DIR": str(tmp_path / "metrics")}
    log_path = tmp_path / "serve.log"
    log = log_path.open("w")
    proc = subprocess.Popen([LIPTAKO, "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    answered = 0
    try:
        deadline = time.monotonic() + 60
        # until both workers run and each has answered (a new connection per request, so
        # that either may accept it)
        while len(_children(proc.pid)) < 2 or answered < 20 or len(_served_by(log_path)) < 2:
            assert time.monotonic() < deadline, "the workers did not all answer within 60 s"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
                    answered += b" 200 " in _get(conn)
            except OSError:
                time.sleep(0.2)
        workers = _children(proc.pid)
        assert len(workers) == 2
        scrape = _scrape(port, log_path)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    assert proc.returncode == 0
    # the access log: one JSON line per request, whichever worker served it
    served = _served_by(log_path)
    assert sum(served.values()) == answered
    assert set(served) == set(workers)
    # /metrics, whichever worker answered it, counted the requests of both
    assert _counted(scrape) == answered
    pools = {s.labels["pid"] for family in text_string_to_metric_families(scrape.decode())
             for s in family.samples if s.name == "liptako_db_pool_size"}
    assert pools == {str(pid) for pid in workers}
    assert not [p for p in workers if Path(f"/proc/{p}").exists()
                and "Z" not in Path(f"/proc/{p}/stat").read_text().split()[2]]


def test_a_busy_address_fails_at_once(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        env = {**os.environ, "LIPTAKO_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
        subprocess.run([LIPTAKO, "db", "upgrade"], env=env, check=True, capture_output=True)
        done = subprocess.run([LIPTAKO, "serve", "--port", str(port), "--workers", "2"],
                              env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "in use" in done.stderr
