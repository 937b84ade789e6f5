"""``liptako serve``: the app under uvicorn, in one process or in uvicorn's own workers.

With ``--workers N`` uvicorn's supervisor binds the address once and starts N worker
processes that accept on the shared socket; it restarts a worker that dies and stops them
all on SIGINT or SIGTERM. Run it behind a reverse proxy (nginx, Caddy) that terminates TLS
and spreads keep-alive clients; the proxy's own logs can replace the access log
(``LIPTAKO_ACCESS_LOG=false``). uvicorn takes the client's address from the proxy's
``X-Forwarded-For`` only when the proxy connects from an address in ``FORWARDED_ALLOW_IPS``
(127.0.0.1 by default), so that login throttling counts real clients, not the proxy.
"""

from __future__ import annotations

import copy
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


def serve(host: str, port: int, *, workers: int, access_log: bool) -> None:
    """Serve until told to stop."""
    uvicorn.run(APP, factory=True, host=host, port=port, workers=workers,
                access_log=access_log, log_level="info", log_config=_log_config())
