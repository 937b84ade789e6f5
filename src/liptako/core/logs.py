"""Log lines as JSON or text, and the request id every line of a request carries.

The request id lives in a context variable: set by the web app for the time of one request
(see ``web.observe``), it is seen by that request's handler, its worker threads (anyio copies
the context into them) and every log line and audit entry written meanwhile. Outside a
request (the CLI, the outbox worker) it is unset.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from typing import Any

_REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "liptako_request_id", default=None)
# what a proxy's or client's id may look like to be kept: a UUID, nginx's $request_id (32 hex
# digits), a trace id; anything else (too long, spaces, quotes, control characters) is
# replaced, so that a client cannot write what it likes into the logs or the audit log
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
# the fields of an access line (given as ``extra=`` to the logger), in the order written
ACCESS_FIELDS = ("method", "path", "route", "status", "duration_ms", "client")


def current_request_id() -> str | None:
    """The id of the request being served in this context, if any."""
    return _REQUEST_ID.get()


def request_id_from(header: str | None) -> str:
    """The client's ``X-Request-ID`` when it is sane (8 to 64 letters, digits or ``._:-``),
    else a new one (32 hex digits)."""
    if header is not None and _SANE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def bind_request_id(value: str | None) -> contextvars.Token[str | None]:
    """Make ``value`` the current request id; reset with :func:`unbind_request_id`."""
    return _REQUEST_ID.set(value)


def unbind_request_id(token: contextvars.Token[str | None]) -> None:
    _REQUEST_ID.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the current
    request id, the access fields when the record has them, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
            "pid": record.process,
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """uvicorn's plain lines, with the request id at the end when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        rid = getattr(record, "request_id", None) or current_request_id()
        return f"{text} [{rid}]" if rid else text
