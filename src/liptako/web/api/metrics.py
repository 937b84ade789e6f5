"""``GET /metrics``: the Prometheus scrape, for the monitoring network or a token holder.

Refused with 403 (not 404): the address is the standard one and no secret, and an operator
whose scraper is refused should be told it is refused, not that the page is gone.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from liptako.core.config import Settings
from liptako.web import metrics

router = APIRouter(tags=["metrics"])


def may_scrape(settings: Settings, client: str | None, authorization: str | None) -> bool:
    """From one of the configured networks, or with the configured bearer token. ``client``
    is the address uvicorn resolved (the proxy's ``X-Forwarded-For`` when the proxy is
    trusted), never a header the client sets itself."""
    token = settings.metrics_token
    if token and authorization and authorization.startswith("Bearer ") and \
            hmac.compare_digest(authorization.removeprefix("Bearer ").encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(client or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in settings.metrics_networks)


@router.get("/metrics", include_in_schema=False)
async def get_metrics(request: Request) -> Response:
    """Every process's request and pool figures, and the database's."""
    settings: Settings = request.app.state.settings
    client = request.client.host if request.client else None
    if not may_scrape(settings, client, request.headers.get("authorization")):
        return JSONResponse({"code": "permission_denied",
                             "detail": "metrics: expected a client from LIPTAKO_METRICS_NETWORKS "
                                       "or the bearer token LIPTAKO_METRICS_TOKEN"},
                            status_code=403)
    body = await run_in_threadpool(metrics.exposition, request.app.state.session_factory,
                                   request.app.state.engine)
    return Response(body, media_type=metrics.CONTENT_TYPE)
