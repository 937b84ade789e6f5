"""Sending one message: a webhook POST signed with HMAC-SHA256 over the timestamp and the
body, with its idempotency key; an e-mail through a real local SMTP server."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest

from helpers.receiver import Receiver
from helpers.smtp import smtp_server
from liptako.core.config import Settings
from liptako.core.delivery import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    DeliveryError,
    Sender,
    verify,
)
from liptako.core.outbox import Claimed

UNTIL = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def _claimed(channel: str, destination: str, payload: str, **options: str) -> Claimed:
    return Claimed(1, channel, destination, payload, dict(options), "liptako-alert-abc-s1", 1,
                   UNTIL)


def test_a_webhook_is_signed_and_carries_its_idempotency_key() -> None:
    receiver = Receiver(fail_first=1)
    sender = Sender(Settings(env="test", webhook_timeout_seconds=5), clock=lambda: 1_700_000_000)
    message = _claimed("webhook", receiver.url, "<alert>é</alert>", secret="shared",
                       content_type="application/cap+xml; charset=utf-8")
    try:
        with pytest.raises(DeliveryError, match="503"):
            sender.send(message)
        sender.send(message)
    finally:
        receiver.close()
    first, second = receiver.requests
    assert second.body == "<alert>é</alert>".encode()
    for got in (first, second):
        assert got.headers[IDEMPOTENCY_HEADER] == "liptako-alert-abc-s1"
        assert got.headers[TIMESTAMP_HEADER] == "1700000000"
        assert got.headers["Content-Type"] == "application/cap+xml; charset=utf-8"
        assert verify("shared", got.headers[TIMESTAMP_HEADER], got.body,
                      got.headers[SIGNATURE_HEADER])
    assert not verify("other", "1700000000", second.body, second.headers[SIGNATURE_HEADER])
    assert not verify("shared", "1700000001", second.body, second.headers[SIGNATURE_HEADER])


def test_a_redirect_is_not_a_delivery() -> None:
    receiver = Receiver(statuses=[302, 307])
    sender = Sender(Settings(env="test", webhook_timeout_seconds=5))
    try:
        for status in (302, 307):
            with pytest.raises(DeliveryError, match=str(status)):
                sender.send(_claimed("webhook", receiver.url, "<alert/>", secret="s"))
    finally:
        receiver.close()
    assert len(receiver.requests) == 2  # neither was followed


def test_an_unreachable_webhook_is_a_failure() -> None:
    sender = Sender(Settings(env="test", webhook_timeout_seconds=1))
    with pytest.raises(DeliveryError, match="webhook"):
        sender.send(_claimed("webhook", "http://127.0.0.1:9/", "x", secret="s"))
    with pytest.raises(DeliveryError, match="http"):
        sender.send(_claimed("webhook", "file:///etc/passwd", "x", secret="s"))


def test_an_email_goes_through_smtp_with_its_key_as_message_id() -> None:
    mail = email.message.EmailMessage()
    mail["Subject"] = "Sahel : 12 victimes en 7 jours"
    mail.set_content("Le seuil est atteint.")
    mail.add_attachment(b"<alert/>", maintype="application", subtype="cap+xml",
                        filename="a.cap.xml")
    with smtp_server() as (box, port):
        sender = Sender(Settings(env="test", smtp_host="127.0.0.1", smtp_port=port,
                                 smtp_from="alerts@liptako.example"))
        sender.send(_claimed("email", "ops@mli.example, sec@aes.example", mail.as_string()))
    ((sent_from, to, raw),) = box.messages
    assert sent_from == "alerts@liptako.example"
    assert to == ["ops@mli.example", "sec@aes.example"]
    got = email.message_from_bytes(raw, policy=email.policy.default)
    assert got["Message-ID"] == "<liptako-alert-abc-s1@liptako>"
    assert got["Subject"] == "Sahel : 12 victimes en 7 jours"
    assert [p.get_content_type() for p in got.iter_attachments()] == ["application/cap+xml"]


# the local test server takes a login over plain SMTP, which aiosmtpd rightly warns about
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_an_smtp_server_that_wants_a_login_gets_the_configured_one() -> None:
    mail = "Subject: x\n\ny\n"
    with smtp_server(login=("liptako", "mail-secret")) as (box, port):
        right = Settings(env="test", smtp_host="127.0.0.1", smtp_port=port,
                         smtp_username="liptako", smtp_password="mail-secret")
        Sender(right).send(_claimed("email", "a@b.example", mail))
        with pytest.raises(DeliveryError, match="530"):  # no login: refused
            Sender(Settings(env="test", smtp_host="127.0.0.1", smtp_port=port)).send(
                _claimed("email", "a@b.example", mail))
    assert len(box.messages) == 1


def test_without_an_smtp_server_an_email_waits() -> None:
    with pytest.raises(DeliveryError, match="SMTP"):
        Sender(Settings(env="test")).send(_claimed("email", "a@b.example", "Subject: x\n\ny"))
