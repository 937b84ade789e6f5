"""An Atom feed (RFC 4287) of current alerts, each entry linking to its CAP document.

The feed follows the pattern alerting authorities use to publish CAP (an index of entries,
each with ``link rel="alternate" type="application/cap+xml"``): ``feed`` with its ``id``,
``title``, ``updated``, ``author`` and ``link rel="self"``; each ``entry`` with its ``id`` (the
alert's CAP URL, stable across updates), ``title`` (the headline), ``updated`` (the latest
message), ``published`` (the first), ``summary`` and ``category`` (severity).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
CAP_TYPE = "application/cap+xml"


@dataclass(frozen=True)
class Entry:
    """One alert as the feed lists it."""

    cap_url: str
    page_url: str
    title: str
    summary: str
    severity: str
    published: dt.datetime
    updated: dt.datetime


def rfc3339(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _el(parent: etree._Element, name: str, text: str | None = None,
        **attrs: str) -> etree._Element:
    child = etree.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        child.text = text
    return child


def feed(entries: list[Entry], *, self_url: str, title: str, updated: dt.datetime,
         lang: str = "en") -> str:
    """The feed document, UTF-8 text with its XML declaration."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    _el(root, "id", self_url)
    _el(root, "title", title)
    # the latest change among the entries; ``updated`` (now) for an empty feed
    _el(root, "updated", rfc3339(max((e.updated for e in entries), default=updated)))
    author = _el(root, "author")
    _el(author, "name", "liptako")
    _el(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _el(root, "generator", "liptako")
    for entry in entries:
        item = _el(root, "entry")
        _el(item, "id", entry.cap_url)
        _el(item, "title", entry.title)
        _el(item, "updated", rfc3339(entry.updated))
        _el(item, "published", rfc3339(entry.published))
        _el(item, "summary", entry.summary)
        _el(item, "category", term=entry.severity, label=f"CAP severity: {entry.severity}")
        _el(item, "link", rel="alternate", type=CAP_TYPE, href=entry.cap_url)
        _el(item, "link", rel="related", type="text/html", href=entry.page_url)
    raw: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True)
    return raw.decode("utf-8")
