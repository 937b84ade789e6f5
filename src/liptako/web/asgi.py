"""Entry point for uvicorn: settings are read when a worker starts, not at import."""

from __future__ import annotations

from fastapi import FastAPI

from liptako.core.config import get_settings
from liptako.web.app import create_app


def app_factory() -> FastAPI:
    return create_app(get_settings())
