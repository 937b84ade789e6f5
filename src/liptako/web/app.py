"""The web application factory: API v1 and the pages, from one Settings object."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files

from anyio import to_thread
from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException

from liptako import __version__
from liptako.audit import service as audit
from liptako.core import migrate
from liptako.core.config import Settings
from liptako.core.db import make_engine, make_session_factory
from liptako.core.errors import DomainError
from liptako.core.geo import admin_index, in_named_area
from liptako.intel.actors import ActorRegistry
from liptako.obligations import service as obligation_service
from liptako.web import metrics
from liptako.web.api import actors as actors_api
from liptako.web.api import alerts as alerts_api
from liptako.web.api import assistance as assistance_api
from liptako.web.api import auth, geo, health, incidents, obligations, taxii
from liptako.web.api import intake as intake_api
from liptako.web.api import metrics as metrics_api
from liptako.web.api import reports as reports_api
from liptako.web.api import stix as stix_api
from liptako.web.api import warning as warning_api
from liptako.web.deps import install_session_gate, no_control_characters
from liptako.web.errors import DATABASE_ERRORS, error_responses, install_error_handlers
from liptako.web.middleware import BodyLimit, SecurityHeaders
from liptako.web.observe import Observe
from liptako.web.pages import actors as actor_pages
from liptako.web.pages import alerts as alert_pages
from liptako.web.pages import assistance as assistance_pages
from liptako.web.pages import auth as auth_pages
from liptako.web.pages import errors as page_errors
from liptako.web.pages import incidents as incident_pages
from liptako.web.pages import intel as intel_pages
from liptako.web.pages import map as map_page
from liptako.web.pages import reports as report_pages
from liptako.web.pages import site as site_pages
from liptako.web.pages import units as unit_pages
from liptako.web.pages import users as user_pages

API_PREFIX = "/api/v1"
log = logging.getLogger("liptako.audit")
# The API's routers and the error answers their routes can give, declared in the OpenAPI
# document (the body is web.errors.ErrorOut; the token route adds its 429 itself): 401 on
# every route that needs a caller, 403 where a role or a CSRF header is needed, 404 where a
# record is named, 409 where the workflow can refuse a step, 422 where input is taken.
API_ROUTERS = (
    (health.router, ()),
    (incidents.router, (401, 403, 404, 422)),
    (auth.router, (401, 403, 404, 422)),
    (auth.users_router, (401, 403, 404, 409, 422)),
    (geo.router, (401, 404, 422)),
    (intake_api.router, (401, 403, 422)),
    (obligations.router, (401, 403, 404, 409, 422)),
    (assistance_api.router, (401, 403, 404, 409, 422)),
    (alerts_api.router, (401, 403, 404, 409, 422)),
    (warning_api.router, (401, 422)),
    (actors_api.router, (401, 403, 404, 409, 422)),
    (stix_api.router, (401, 403, 404, 422)),
    (reports_api.router, (401, 403, 404, 409, 422)),
)


def _install_pages(app: FastAPI) -> None:
    # over web.errors' handlers: errors on pages are pages, the API's stay JSON
    app.add_exception_handler(DomainError, page_errors.domain_error)
    app.add_exception_handler(RequestValidationError, page_errors.validation_error)
    app.add_exception_handler(HTTPException, page_errors.http_error)
    for error in DATABASE_ERRORS:
        app.add_exception_handler(error, page_errors.database_error)
    # the basemap lives with the reference geography (the reports draw it too) but is served
    # at its old address; mounted first because Starlette takes the first mount that matches
    basemap = str(files("liptako.core").joinpath("data", "basemap"))
    app.mount("/static/basemap", StaticFiles(directory=basemap), name="basemap")
    static = str(files("liptako.web").joinpath("static"))
    app.mount("/static", StaticFiles(directory=static), name="static")
    for router in (auth_pages.router, map_page.router, incident_pages.router,
                   assistance_pages.router, alert_pages.router, user_pages.router,
                   unit_pages.router, actor_pages.router, site_pages.router,
                   intel_pages.router, report_pages.router):
        app.include_router(router)


def warm_up(settings: Settings) -> None:
    """Build the reference indexes and pacts once, before the first request (each is cached
    for the process)."""
    admin_index()
    in_named_area("liptako_gourma", [0.0], [0.0])
    ActorRegistry.load()
    for pact_id in settings.pacts:
        obligation_service.pact_setting(pact_id)


async def log_anchors(app: FastAPI, hours: float) -> None:
    """Write the audit chain's head to the log every ``hours`` (0: never): a record outside
    the database that `liptako audit verify --anchor` can check the chain against later."""
    while hours > 0:
        await asyncio.sleep(hours * 3600)
        try:
            mark = await to_thread.run_sync(_anchor, app.state.session_factory)
            log.info("audit anchor %s", json.dumps(mark.as_dict()))
        except SQLAlchemyError as exc:  # the database is down: try again next time
            log.warning("audit anchor: the database did not answer (%s)", exc)


def _anchor(factory: sessionmaker[Session]) -> audit.Anchor:
    with factory() as session:
        return audit.anchor(session)


def create_app(settings: Settings) -> FastAPI:
    """Build the app; the engine is made here, never at import time."""
    engine = make_engine(settings.database_url, echo=settings.sql_echo,
                         pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow,
                         prepared_statements=settings.db_prepared_statements,
                         connect_timeout=settings.db_connect_timeout_seconds,
                         statement_timeout=settings.db_statement_timeout_seconds,
                         pre_ping=settings.db_pool_pre_ping)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # as many threads as the session gate has places (see web.deps)
        to_thread.current_default_thread_limiter().total_tokens = settings.db_connections
        warm_up(settings)
        migrate.code_head()  # read once, not by the first readiness check
        metrics.observe_pool(engine)  # each process listed from its start, not its first request
        metrics.observe_process(force=True)
        anchors = asyncio.create_task(log_anchors(_app, settings.audit_anchor_hours))
        try:
            yield
        finally:
            anchors.cancel()
            engine.dispose()
            metrics.forget_process(os.getpid())

    app = FastAPI(
        title="liptako",
        version=__version__,
        description="Collective-security information system: incidents, the Charter's "
        "obligations, mutual assistance, early warning and intelligence sharing.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(no_control_characters)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    install_session_gate(app, settings.db_connections)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, hsts=settings.env == "prod")
    # outermost: it sees every answer and sets the request id before anything logs
    app.add_middleware(Observe, engine=engine, access=settings.access_log)
    for router, statuses in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX, responses=error_responses(*statuses))
    # TAXII 2.1 is described by its own specification, not by this API's OpenAPI document
    app.include_router(taxii.router, include_in_schema=False)
    app.include_router(metrics_api.router)
    _install_pages(app)
    return app
