"""Routes for the hot paths: documented in OpenAPI like any other, served without FastAPI's
per-request machinery."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


class PlainRoute(APIRoute):
    """A route whose endpoint takes the request and returns the response itself.

    FastAPI would still resolve its (one) parameter, look for a body and check the response
    against its model on every request: a tenth of the cost of a request on the map's list.
    The endpoint parses and validates its own input (its parameters and body are declared to
    OpenAPI through ``openapi_extra``) and builds its own response.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint: Callable[[Request], Coroutine[Any, Any, Response]] = self.endpoint
        return endpoint
