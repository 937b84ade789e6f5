"""Entry point for uvicorn workers: settings are read when the worker starts, not at import."""

from __future__ import annotations

import gc

from fastapi import FastAPI

from liptako.core.config import get_settings
from liptako.web.app import create_app, warm_up


def app_factory() -> FastAPI:
    settings = get_settings()
    app = create_app(settings)
    warm_up(settings)
    # What a worker builds at start (indexes, registries, routes) lives as long as it does:
    # frozen, it leaves the collector's full passes, which would otherwise walk it all
    # (~65 ms) every so often in the middle of a request.
    gc.collect()
    gc.freeze()
    return app
