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
    # A request's objects die young: collected every 700 allocations (the default), those of
    # a group commit of 32 reports outlive several collections and are walked again by the
    # older generations' passes (2.5 % of the instructions per report, measured, and pauses
    # of up to 15 ms in the middle of a batch); every 20,000 they mostly die first.
    gc.set_threshold(20_000, 10, 50)
    return app
