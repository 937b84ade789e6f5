"""ASGI middleware: security headers on every response, a cap on request bodies, no control
characters in JSON or form bodies."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
       "base-uri 'self'; form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds CSP (no inline scripts), nosniff, frame denial and friends to every response."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.extra = [(b"strict-transport-security", b"max-age=31536000")] if hsts else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _v in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers += [h for h in SECURITY_HEADERS + self.extra if h[0] not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"code": "too_large",
                           "detail": f"request body: expected at most {self.max_bytes} bytes"})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body.encode()})


class _TooLarge(Exception):
    pass


# C0 controls but tab, line feed and carriage return, DEL, lone surrogates (a JSON string may
# carry one as an escape) and the non-characters U+FFFE/U+FFFF: no field of ours holds them,
# PostgreSQL cannot store NUL or a lone surrogate, and XML 1.0 (EDXL-RM, CAP) allows none
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def control_field(value: Any, path: str = "") -> str | None:
    """The path of the first string in a JSON value that holds a control character, if any
    (keys included), as the API names fields: ``perpetrator.actor``, ``items.0.kind``."""
    if isinstance(value, str):
        return (path or "body") if _CONTROL.search(value) else None
    children: Any = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, child in children:
        here = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and _CONTROL.search(key):
            return here
        found = control_field(child, here)
        if found:
            return found
    return None


class ControlCharacters:
    """Refuses a JSON or form body with a control character in any string with 422 naming
    the field, before any handler sees it (the body is read here and handed on unchanged)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        kind = headers.get(b"content-type", b"")
        if b"json" not in kind and b"application/x-www-form-urlencoded" not in kind:
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        while not messages or messages[-1].get("more_body", False):
            messages.append(await receive())
            if messages[-1]["type"] != "http.request":
                break
        body = b"".join(m.get("body", b"") for m in messages)
        field = _field_of(body) if b"json" in kind else _form_field_of(body)
        if field is not None:
            await _refuse_field(send, field)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


def _field_of(body: bytes) -> str | None:
    try:
        value = json.loads(body)
    except ValueError:  # not JSON: the route's own validation answers
        return None
    return control_field(value)


def _form_field_of(body: bytes) -> str | None:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return "body"
    return next((name for name, value in pairs
                 if _CONTROL.search(name) or _CONTROL.search(value)), None)


async def _refuse_field(send: Send, field: str) -> None:
    message = ("expected text without control characters (NUL and the like), lone surrogates "
               "or non-characters")
    body = json.dumps({"code": "invalid", "detail": f"{field}: {message}",
                       "errors": [{"field": field, "message": message}]})
    await send({"type": "http.response.start", "status": 422,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body.encode()})
