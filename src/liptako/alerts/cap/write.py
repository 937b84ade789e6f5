"""Writing CAP 1.2 alert messages (OASIS CAP-v1.2, 1 July 2010; ITU-T X.1303 bis).

Mapping of a liptako alert (each element in the order the schema's sequence requires):

- ``identifier``: ``urn:uuid:<uuid4>`` per message; ``sender``: ``liptako@<site host>``;
  ``sent``: the moment of issue in UTC written with the ``-00:00`` offset (CAP forbids ``Z``);
- ``status`` Actual; ``msgType`` Alert for the first message, Update for each later one, with
  ``references`` naming the message it supersedes (``sender,identifier,sent``);
- ``scope`` Public only when every incident is TLP:CLEAR; otherwise Restricted, with
  ``restriction`` stating the TLP level and the audience, and ``addresses`` listing the
  audience's codes (BFA, MLI, NER, SEC);
- ``code`` ``TLP:<level>``; ``incidents``: ``liptako-incident-<id>`` for each incident behind
  the alert (ids only: each incident keeps its own marking);
- one ``info`` per language (fr-FR, then en-US), category Security, responseType Monitor and
  Assess, the rule's urgency, severity and certainty, ``expires`` when the rule's window
  ends, the headline, description and instruction of :mod:`liptako.alerts.words`, ``web``
  the alert's page, parameters (rule, counts, days), and one ``area`` with the admin-1 unit's
  simplified boundary (:mod:`liptako.alerts.area`) and geocodes (``liptako-admin1`` and, where
  there is one, ``ISO3166``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree

from liptako.alerts.cap.validate import CAP

# characters XML 1.0 does not allow: stored text never has them, but a record written some
# other way still exports, each shown as U+FFFD
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def cap_time(value: dt.datetime) -> str:
    """A CAP dateTime: seconds, and UTC as ``-00:00`` (never ``Z``).

    >>> cap_time(dt.datetime(2026, 12, 5, 9, 30, 15, 999, tzinfo=dt.UTC))
    '2026-12-05T09:30:15-00:00'
    """
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S") + "-00:00"


@dataclass(frozen=True)
class Info:
    """One language's ``info`` block."""

    language: str
    event: str
    headline: str
    description: str
    instruction: str
    sender_name: str


@dataclass(frozen=True)
class Message:
    """Everything one CAP message says, as plain values."""

    identifier: str
    sender: str
    sent: dt.datetime
    msg_type: str
    scope: str
    restriction: str | None
    addresses: str | None
    tlp: str
    references: tuple[tuple[str, str, dt.datetime], ...]
    incidents: tuple[int, ...]
    urgency: str
    severity: str
    certainty: str
    expires: dt.datetime | None
    web: str
    infos: tuple[Info, ...]
    parameters: tuple[tuple[str, str], ...]
    area_desc: str
    polygons: tuple[str, ...]
    geocodes: tuple[tuple[str, str], ...]
    status: str = "Actual"


def _el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{CAP}}}{name}")
    if text is not None:
        child.text = NOT_XML.sub("\ufffd", text)
    return child


def _pair(parent: etree._Element, name: str, key: str, value: str) -> None:
    element = _el(parent, name)
    _el(element, "valueName", key)
    _el(element, "value", value)


def _head(root: etree._Element, m: Message) -> None:
    for name, value in (("identifier", m.identifier), ("sender", m.sender),
                        ("sent", cap_time(m.sent)), ("status", m.status),
                        ("msgType", m.msg_type), ("source", "liptako"), ("scope", m.scope),
                        ("restriction", m.restriction), ("addresses", m.addresses),
                        ("code", f"TLP:{m.tlp}")):
        if value is not None:
            _el(root, name, value)
    if m.references:
        _el(root, "references", " ".join(f"{s},{i},{cap_time(t)}" for s, i, t in m.references))
    if m.incidents:
        _el(root, "incidents", " ".join(f"liptako-incident-{i}" for i in m.incidents))


def _info(root: etree._Element, m: Message, info: Info) -> None:
    block = _el(root, "info")
    _el(block, "language", info.language)
    _el(block, "category", "Security")
    _el(block, "event", info.event)
    for response in ("Monitor", "Assess"):
        _el(block, "responseType", response)
    _el(block, "urgency", m.urgency)
    _el(block, "severity", m.severity)
    _el(block, "certainty", m.certainty)
    if m.expires is not None:
        _el(block, "expires", cap_time(m.expires))
    _el(block, "senderName", info.sender_name)
    _el(block, "headline", info.headline)
    _el(block, "description", info.description)
    _el(block, "instruction", info.instruction)
    _el(block, "web", m.web)
    for key, value in m.parameters:
        _pair(block, "parameter", key, value)
    area = _el(block, "area")
    _el(area, "areaDesc", m.area_desc)
    for polygon in m.polygons:
        _el(area, "polygon", polygon)
    for key, value in m.geocodes:
        _pair(area, "geocode", key, value)


def write(m: Message) -> str:
    """The CAP 1.2 document of one message, as UTF-8 text with its XML declaration."""
    root = etree.Element(f"{{{CAP}}}alert", nsmap={None: CAP})
    _head(root, m)
    for info in m.infos:
        _info(root, m, info)
    raw: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True)
    return raw.decode("utf-8")
