"""The web application factory: API v1 and the pages, from one Settings object."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from liptako import __version__
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory
from liptako.web.api import auth, health, incidents
from liptako.web.errors import install_error_handlers
from liptako.web.middleware import BodyLimit, SecurityHeaders

API_PREFIX = "/api/v1"


def create_app(settings: Settings) -> FastAPI:
    """Build the app; the engine is made here, never at import time."""
    engine = make_engine(settings.database_url, echo=settings.sql_echo)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="liptako",
        version=__version__,
        description="Collective-security information system: incidents, the Charter's "
        "obligations, mutual assistance, early warning and intelligence sharing.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, hsts=settings.env == "prod")
    app.include_router(health.router, prefix=API_PREFIX)
    app.include_router(auth.router, prefix=API_PREFIX)
    app.include_router(auth.users_router, prefix=API_PREFIX)
    app.include_router(incidents.router, prefix=API_PREFIX)
    app.include_router(incidents.stats_router, prefix=API_PREFIX)
    return app
