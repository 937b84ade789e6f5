"""A real local SMTP server (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller

from helpers.served import free_port


@dataclass
class Mailbox:
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _only(user: str, password: str) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(_server: Any, _session: Any, _envelope: Any, _mechanism: str,
              data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(), password.encode())
        return AuthResult(success=ok)

    return check


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[tuple[Mailbox, int]]:
    """A server on a free port; with ``login``, one that requires that user and password
    (over plain SMTP: this is a test)."""
    box = Mailbox()
    port = free_port()
    auth: dict[str, Any] = {} if login is None else {
        "authenticator": _only(*login), "auth_required": True, "auth_require_tls": False}
    controller = Controller(box, hostname="127.0.0.1", port=port, **auth)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()
