"""The app's route table, flattened: every (method, path) the app answers."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from starlette.routing import Mount, compile_path


def _walk(route: Any) -> set[tuple[str, str]]:
    if hasattr(route, "effective_route_contexts"):  # a router included by FastAPI
        return {(m, ctx.path) for ctx in route.effective_route_contexts()
                for m in (ctx.methods or ())}
    if isinstance(route, Mount):
        return {("GET", f"{route.path}/{{path}}")}
    methods = getattr(route, "methods", None) or ()
    return {(m, route.path) for m in methods}


def templates(app: FastAPI) -> dict[int, str]:
    """Each route object's whole path template (an included router's routes know their path
    within it only), by the object's id: what a route matched for a request is named by."""
    found: dict[int, str] = {}
    for route in app.routes:
        path = getattr(route, "path", None)
        if hasattr(route, "effective_route_contexts"):
            for ctx in route.effective_route_contexts():
                found.setdefault(id(ctx.original_route), re.sub(r":\w+}", "}", ctx.path))
        elif isinstance(route, Mount):
            found.setdefault(id(route), f"{route.path}/{{path}}")
        elif isinstance(path, str):
            found.setdefault(id(route), re.sub(r":\w+}", "}", path))
    return found


def _routed(app: FastAPI) -> set[tuple[str, str]]:
    """Every method and path as routed, with its convertors (``{request_id:int}``), HEAD left
    out (it follows GET)."""
    table: set[tuple[str, str]] = set()
    for route in app.routes:
        table |= _walk(route)
    return {(m, p) for m, p in table if m != "HEAD"}


def route_table(app: FastAPI) -> set[tuple[str, str]]:
    """Every method and path template (``{request_id}``), HEAD left out (it follows GET)."""
    return {(m, re.sub(r":\w+}", "}", p)) for m, p in _routed(app)}


def methods_at(app: FastAPI, path: str) -> list[str]:
    """The methods the app answers at a concrete path, for the ``Allow`` header of a 405 (the
    framework names only those of the first route whose path matches)."""
    return sorted({m for m, p in _routed(app) if compile_path(p)[0].match(path)})
