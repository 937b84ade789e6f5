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
import subprocess
import sys
from typing import Any

import uvicorn
import uvicorn.config

APP = "liptako.web.asgi:app_factory"


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with the app's own messages (the audit anchors) beside its own."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["liptako"] = {"handlers": ["default"], "level": "INFO",
                                    "propagate": False}
    return config


def start_worker() -> subprocess.Popen[bytes]:
    """One `liptako worker` (alert rules, the outbox), told to stop when this process is gone:
    a separate process, so that it runs once whatever the number of web workers."""
    return subprocess.Popen([sys.executable, "-m", "liptako", "worker",  # noqa: S603
                             "--parent", str(os.getpid())])


def serve(host: str, port: int, *, workers: int, access_log: bool,
          outbox_worker: bool = True, forwarded_allow_ips: str = "127.0.0.1") -> None:
    """Serve until told to stop; the alert worker stops with the server."""
    worker = start_worker() if outbox_worker else None
    try:
        uvicorn.run(APP, factory=True, host=host, port=port, workers=workers,
                    access_log=access_log, log_level="info", log_config=_log_config(),
                    proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips)
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
