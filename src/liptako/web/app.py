"""The web application factory: API v1 and the pages, from one Settings object."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from anyio import to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from liptako import __version__
from liptako.auth.recent import RecentCallers
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory
from liptako.core.errors import DomainError
from liptako.core.geo import admin_index, in_named_area
from liptako.core.reads import AsyncReads
from liptako.incidents.schemas import IncidentIn
from liptako.intel.actors import ActorRegistry
from liptako.obligations import service as obligation_service
from liptako.web.api import assistance as assistance_api
from liptako.web.api import auth, geo, health, incidents, obligations
from liptako.web.deps import install_session_gate
from liptako.web.errors import install_error_handlers
from liptako.web.middleware import BodyLimit, SecurityHeaders
from liptako.web.pages import assistance as assistance_pages
from liptako.web.pages import auth as auth_pages
from liptako.web.pages import errors as page_errors
from liptako.web.pages import incidents as incident_pages
from liptako.web.pages import map as map_page

API_PREFIX = "/api/v1"
ASYNC_READ_CONNECTIONS = 8  # per server process, beside the pool of the worker threads


def _install_pages(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, page_errors.domain_error)
    static = str(files("liptako.web").joinpath("static"))
    app.mount("/static", StaticFiles(directory=static), name="static")
    for router in (auth_pages.router, map_page.router, incident_pages.router,
                   assistance_pages.router):
        app.include_router(router)


def warm_up(settings: Settings) -> None:
    """Build the reference indexes and pacts once, before the first request, not in every
    thread that happens to need them first (each is cached for the process)."""
    admin_index()
    in_named_area("liptako_gourma", [0.0], [0.0])
    ActorRegistry.load()
    for pact_id in settings.pacts:
        obligation_service.pact_setting(pact_id)


def create_app(settings: Settings) -> FastAPI:
    """Build the app; the engine is made here, never at import time."""
    engine = make_engine(settings.database_url, echo=settings.sql_echo,
                         pool_size=settings.worker_threads)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        warm_up(settings)
        reads = AsyncReads(settings.database_url, size=ASYNC_READ_CONNECTIONS) \
            if not settings.is_sqlite else None
        if reads is not None:
            await reads.open()
        _app.state.async_reads = reads
        try:
            yield
        finally:
            _app.state.async_reads = None
            if reads is not None:
                await reads.close()
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
        # liptako exports no OpenTelemetry: FastAPI's per-request telemetry checks are skipped
        telemetry={"tracing": False, "metrics": False, "logs": False,
                   "operation_spans": False},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    install_session_gate(app, settings.worker_threads)  # the pool has 10 connections more
    app.state.recent_callers = RecentCallers(user_seconds=settings.auth_cache_seconds)
    app.state.report_batches = incidents.report_batches(app, settings)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, hsts=settings.env == "prod")
    # routes are tried in this order on every request: the busiest first (no paths overlap)
    app.include_router(health.router, prefix=API_PREFIX)
    app.include_router(incidents.router, prefix=API_PREFIX)
    app.include_router(incidents.stats_router, prefix=API_PREFIX)
    app.include_router(auth.router, prefix=API_PREFIX)
    app.include_router(auth.users_router, prefix=API_PREFIX)
    app.include_router(geo.router, prefix=API_PREFIX)
    app.include_router(obligations.router, prefix=API_PREFIX)
    app.include_router(assistance_api.router, prefix=API_PREFIX)
    _install_pages(app)
    _document_bodies(app, [IncidentIn])
    return app


def _document_bodies(app: FastAPI, models: list[type[BaseModel]]) -> None:
    """Put the schemas of bodies that handlers validate themselves (declared through
    ``openapi_extra``) into the OpenAPI document's components, beside FastAPI's own."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = build()
            schemas = doc.setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                for name, part in schema.pop("$defs", {}).items():
                    schemas.setdefault(name, part)
                schemas.setdefault(model.__name__, schema)
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
