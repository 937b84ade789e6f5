"""The app's route table, flattened: every (method, path) the app answers."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.routing import Mount


def _walk(route: Any) -> set[tuple[str, str]]:
    if hasattr(route, "effective_route_contexts"):  # a router included by FastAPI
        return {(m, ctx.path) for ctx in route.effective_route_contexts()
                for m in (ctx.methods or ())}
    if isinstance(route, Mount):
        return {("GET", f"{route.path}/{{path}}")}
    methods = getattr(route, "methods", None) or ()
    return {(m, route.path) for m in methods}


def route_table(app: FastAPI) -> set[tuple[str, str]]:
    """Every method and path template, HEAD left out (it follows GET)."""
    table: set[tuple[str, str]] = set()
    for route in app.routes:
        table |= _walk(route)
    return {(m, p) for m, p in table if m != "HEAD"}
