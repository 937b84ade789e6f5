"""ASGI middleware seeing every request: its id, its metrics and its access line.

The outermost middleware, so that it sees every answer (413s and 500s included) and the
request id is set before anything below logs or writes an audit entry.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liptako.core.logs import bind_request_id, request_id_from, unbind_request_id
from liptako.web import metrics
from liptako.web.routes import templates

access_log = logging.getLogger("liptako.access")
HEADER = b"x-request-id"
# a route label is a template from the app's own table, never a raw path (which would make a
# series per incident, per token, per scanner's guess); a method outside these is "other"
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"


def route_template(scope: Scope) -> str:
    """The path template of the route that answered (``/api/v1/incidents/{incident_id}``),
    the mount's prefix for static files (``/static/{path}``), else ``unmatched``."""
    app = scope.get("app")
    if app is None:
        return UNMATCHED
    known: tuple[dict[int, str], list[str]] | None = getattr(app.state, "route_names", None)
    if known is None:  # the table is complete once the app serves: read it once
        table = templates(app)
        mounts = sorted((t for t in table.values() if t.endswith("/{path}")), key=len,
                        reverse=True)
        known = app.state.route_names = (table, mounts)
    route = scope.get("route")
    if route is not None:
        return known[0].get(id(route), UNMATCHED)
    # a mounted app (the static files) leaves no route behind: its prefix names it
    path = scope.get("path", "")
    return next((t for t in known[1] if path.startswith(t.removesuffix("{path}"))),
                UNMATCHED)


class Observe:
    """Takes the request's id from a sane ``X-Request-ID`` (else makes one), returns it in
    the answer's header and keeps it current while the request runs; counts the request by
    route template and status, times it, and writes its access line."""

    def __init__(self, app: ASGIApp, *, engine: Engine, access: bool = True) -> None:
        self.app = app
        self.engine = engine
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers", [])).get(HEADER)
        request_id = request_id_from(None if sent is None else sent.decode("latin-1"))
        token = bind_request_id(request_id)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [h for h in message.get("headers", []) if h[0].lower() != HEADER]
                message["headers"] = [*headers, (HEADER, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._done(scope, status, time.perf_counter() - started)
            unbind_request_id(token)

    def _done(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in METHODS else "other"
        route = route_template(scope)
        metrics.observe_request(method, route, status, seconds)
        metrics.observe_pool(self.engine)
        metrics.observe_process()
        if self.access:
            client = scope.get("client")
            where = f"{client[0]}:{client[1]}" if client else "-"
            access_log.info('%s - "%s %s HTTP/%s" %d %.1fms', where, scope["method"],
                            scope["path"], scope.get("http_version", "1.1"), status,
                            seconds * 1000,
                            extra={"method": scope["method"], "path": scope["path"],
                                   "route": route, "status": status, "client": where,
                                   "duration_ms": round(seconds * 1000, 2)})
