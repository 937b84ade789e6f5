"""Sending an outbox message: a signed webhook POST, or an e-mail through SMTP.

**Webhook.** The body is POSTed as it is stored, with these headers:

- ``Content-Type``: the message's (``application/cap+xml`` for alerts);
- ``Idempotency-Key``: the same on every attempt at the same message; a receiver that has
  already seen it answers 2xx and does nothing more (delivery is at least once);
- ``X-Liptako-Timestamp``: the moment of this attempt, in whole seconds since 1970 (UTC);
- ``X-Liptako-Signature``: ``sha256=`` and the hexadecimal HMAC-SHA256, keyed with the
  subscription's shared secret, of the timestamp, a full stop and the body
  (``f"{timestamp}.".encode() + body``). The receiver recomputes it, compares in constant time,
  and refuses a timestamp more than a few minutes away from its clock: a captured request
  cannot be replayed later, since changing the timestamp breaks the signature.

Any 2xx answer is a delivery; anything else (another status, a redirect, which is not
followed, no answer within the timeout, a refused connection) is a failure, tried again later.

**E-mail.** The stored message (RFC 5322 text) gets its From, To, Date and a Message-ID made
from the idempotency key (so that mail clients fold a repeat into the first), and goes to the
configured SMTP server, with STARTTLS and a login when the settings ask for them.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import hmac
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from liptako.core.config import Settings
from liptako.core.outbox import Claimed

SIGNATURE_HEADER = "X-Liptako-Signature"
TIMESTAMP_HEADER = "X-Liptako-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Liptako-Signature`` value of a body sent at ``timestamp``.

    >>> signature("s3cret", "1700000000", b"<alert/>")[:15]
    'sha256=b8a43eba'
    """
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, sent: str) -> bool:
    """What a receiver checks (the tests use it as one): the signature matches."""
    return hmac.compare_digest(signature(secret, timestamp, body), sent)


class DeliveryError(Exception):
    """A send that did not go through; its text is kept on the message."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a delivery: urllib would follow a 302 with a GET and no
    body, and call that a success."""

    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class Sender:
    """Sends claimed messages with the settings' timeouts and SMTP server."""

    settings: Settings
    clock: Callable[[], float] = time.time

    def send(self, message: Claimed) -> None:
        """Send, or raise DeliveryError saying why not."""
        if message.channel == "webhook":
            self.webhook(message)
        elif message.channel == "email":
            self.email(message)
        else:
            raise DeliveryError(f"channel: expected webhook or email, got {message.channel}")

    def webhook(self, message: Claimed) -> None:
        body = message.payload.encode("utf-8")
        stamp = str(int(self.clock()))
        headers = {"Content-Type": message.options.get("content_type", "application/json"),
                   IDEMPOTENCY_HEADER: message.idempotency_key, TIMESTAMP_HEADER: stamp,
                   SIGNATURE_HEADER: signature(str(message.options.get("secret", "")), stamp,
                                               body),
                   "User-Agent": "liptako-outbox"}
        if not message.destination.startswith(("https://", "http://")):
            raise DeliveryError(f"webhook: expected an http(s) URL, got {message.destination!r}")
        request = urllib.request.Request(message.destination, data=body, headers=headers,  # noqa: S310 - scheme checked above
                                         method="POST")
        try:
            with _OPENER.open(request, timeout=self.settings.webhook_timeout_seconds) as answer:
                status = answer.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"webhook: the receiver answered {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"webhook: {exc}") from None
        if not 200 <= status < 300:
            raise DeliveryError(f"webhook: the receiver answered {status}")

    def email(self, message: Claimed) -> None:
        settings = self.settings
        if not settings.smtp_host:
            raise DeliveryError("email: no SMTP server is configured (LIPTAKO_SMTP_HOST)")
        mail = email.message_from_string(message.payload, policy=email.policy.SMTP)
        recipients = [a.strip() for a in message.destination.split(",") if a.strip()]
        del mail["From"], mail["To"], mail["Date"], mail["Message-ID"]
        mail["From"] = settings.smtp_from
        mail["To"] = ", ".join(recipients)
        mail["Date"] = email.utils.formatdate(self.clock(), usegmt=True)
        mail["Message-ID"] = f"<{message.idempotency_key.replace(' ', '')}@liptako>"
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                              timeout=settings.webhook_timeout_seconds) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.smtp_username:
                    smtp.login(settings.smtp_username, settings.smtp_password or "")
                smtp.send_message(mail, to_addrs=recipients)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"email: {exc}") from None
