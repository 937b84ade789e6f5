"""``liptako serve``: the app under uvicorn, in one process or in uvicorn's own workers.

With ``--workers N`` uvicorn's supervisor binds the address once and starts N worker
processes that accept on the shared socket; it restarts a worker that dies and stops them
all on SIGINT or SIGTERM. Run it behind a reverse proxy (nginx, Caddy) that terminates TLS
and spreads keep-alive clients; the proxy's own logs can replace the access log
(``LIPTAKO_ACCESS_LOG=false``). uvicorn takes the client's address from the proxy's
``X-Forwarded-For`` (and the scheme from ``X-Forwarded-Proto``) only when the proxy connects
from an address in ``LIPTAKO_FORWARDED_ALLOW_IPS`` (127.0.0.1 by default), so that login
throttling counts real clients, not the proxy, and links say https; a client that sends
those headers itself from elsewhere is not believed. See docs/deploy.md.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
import uvicorn.config

APP = "liptako.web.asgi:app_factory"


def _log_config(*, json_lines: bool = False) -> dict[str, Any]:
    """uvicorn's logging, with the app's own messages (the audit anchors) beside its own and
    the app's access lines (core.logs, web.observe) in place of uvicorn's; every line one
    JSON object when asked, else plain text ending with the request id."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["liptako"] = {"handlers": ["default"], "level": "INFO",
                                    "propagate": False}
    config["loggers"]["liptako.access"] = {"handlers": ["access"], "level": "INFO",
                                           "propagate": False}
    formatter = "liptako.core.logs.JsonFormatter" if json_lines else \
        "liptako.core.logs.TextFormatter"
    config["formatters"]["default"] = {"()": formatter, "fmt": "%(levelname)s:  %(message)s"}
    config["formatters"]["access"] = {"()": formatter, "fmt": "%(levelname)s:  %(message)s"}
    return config


@contextmanager
def metrics_folder(folder: Path | None) -> Iterator[Path]:
    """The folder where every server process keeps its metrics for /metrics to sum
    (prometheus_client's multiprocess mode, told by ``PROMETHEUS_MULTIPROC_DIR`` before the
    workers start): emptied first, so that a past run's figures are not counted again; a
    temporary one, removed at the end, when none is set."""
    own = folder is None
    path = Path(tempfile.mkdtemp(prefix="liptako-metrics-")) if folder is None else folder
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    try:
        yield path
    finally:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        if own:
            shutil.rmtree(path, ignore_errors=True)


def start_worker() -> subprocess.Popen[bytes]:
    """One `liptako worker` (alert rules, the outbox), told to stop when this process is gone:
    a separate process, so that it runs once whatever the number of web workers."""
    return subprocess.Popen([sys.executable, "-m", "liptako", "worker",  # noqa: S603
                             "--parent", str(os.getpid())])


def serve(host: str, port: int, *, workers: int, outbox_worker: bool = True,
          json_logs: bool = False, metrics_dir: Path | None = None,
          forwarded_allow_ips: str = "127.0.0.1") -> None:
    """Serve until told to stop; the alert worker stops with the server. The access lines
    are the app's own (web.observe, on unless ``LIPTAKO_ACCESS_LOG=false``); uvicorn's, which
    know neither the request's id nor its time, are off."""
    worker = start_worker() if outbox_worker else None
    try:
        with metrics_folder(metrics_dir):
            uvicorn.run(APP, factory=True, host=host, port=port, workers=workers,
                        access_log=False, log_level="info",
                        log_config=_log_config(json_lines=json_logs),
                        proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips)
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
