"""Checking CAP 1.2 documents: the OASIS schema (``xsd/CAP-v1.2.xsd``, loaded offline) and
the specification's rules that the schema does not express (CAP-v1.2 §3.2):

- ``identifier`` and ``sender`` without spaces, commas, ``<`` or ``&``;
- ``restriction`` present when ``scope`` is Restricted, ``addresses`` when it is Private;
- each ``references`` entry "sender,identifier,sent";
- each ``polygon`` a whitespace-separated list of at least four "lat,lon" pairs whose first
  and last are the same, with latitudes in [-90, 90] and longitudes in [-180, 180].

Documents are parsed with entities, DTDs and network access off.
"""

from __future__ import annotations

import functools
import re
import threading
from importlib.resources import files
from pathlib import Path

from lxml import etree

from liptako.core import xmlsafe
from liptako.core.errors import RuleViolation

CAP = "urn:oasis:names:tc:emergency:cap:1.2"
NS = {"cap": CAP}
MAX_BYTES = 2 * 1024 * 1024
_LOCK = threading.Lock()  # a validator keeps its error log on itself: one caller at a time
_NO_SPACE = re.compile(r"^[^\s,<&]+$")
_SENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")


class CapError(RuleViolation):
    """A document that is not well-formed CAP 1.2, or not valid."""

    code = "invalid_cap"


def schema_path() -> Path:
    return Path(str(files("liptako.alerts.cap").joinpath("xsd"))) / "CAP-v1.2.xsd"


@functools.cache
def schema() -> etree.XMLSchema:
    """The compiled CAP 1.2 schema."""
    return etree.XMLSchema(etree.parse(str(schema_path()), xmlsafe.parser()))


def parse(data: bytes | str) -> etree._Element:
    """The root element of a well-formed document without a DOCTYPE, else CapError."""
    return xmlsafe.parse(data, label="CAP", max_bytes=MAX_BYTES, error=CapError)


def _schema_problems(root: etree._Element) -> list[str]:
    validator = schema()
    with _LOCK:
        if validator.validate(root):
            return []
        return [f"line {e.line}: {e.message.replace('{' + CAP + '}', 'cap:')}"
                for e in validator.error_log]


def polygon_problem(text: str) -> str | None:
    """Why a ``polygon`` value breaks CAP's rule (None when it keeps it)."""
    pairs = text.split()
    if len(pairs) < 4:
        return f"polygon: expected at least 4 lat,lon pairs, got {len(pairs)}"
    if pairs[0] != pairs[-1]:
        return f"polygon: expected its first pair ({pairs[0]}) again at the end, got {pairs[-1]}"
    for pair in pairs:
        try:
            lat, lon = (float(x) for x in pair.split(","))
        except ValueError:
            return f"polygon: expected lat,lon pairs, got {pair!r}"
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return f"polygon: expected lat in [-90, 90] and lon in [-180, 180], got {pair}"
    return None


def _text(root: etree._Element, path: str) -> list[str]:
    return [e.text or "" for e in root.iterfind(path, NS)]


def rule_problems(root: etree._Element) -> list[str]:
    """The specification's rules the schema leaves out."""
    found = [f"{name}: expected no spaces, commas, < or &, got {value!r}"
             for name in ("identifier", "sender") for value in _text(root, f"cap:{name}")
             if not _NO_SPACE.match(value)]
    scope = (_text(root, "cap:scope") or [""])[0]
    if scope == "Restricted" and not _text(root, "cap:restriction"):
        found.append("restriction: expected one when scope is Restricted")
    if scope == "Private" and not _text(root, "cap:addresses"):
        found.append("addresses: expected them when scope is Private")
    for refs in _text(root, "cap:references"):
        for ref in refs.split():
            parts = ref.split(",")
            if len(parts) != 3 or not _SENT.match(parts[2]):
                found.append(f"references: expected sender,identifier,sent, got {ref!r}")
    found += [p for text in _text(root, "cap:info/cap:area/cap:polygon")
              if (p := polygon_problem(text))]
    return found


def problems(data: bytes | str) -> list[str]:
    """Every schema error and broken rule of a document (none: it is valid CAP 1.2)."""
    root = parse(data)
    if etree.QName(root).namespace != CAP or etree.QName(root).localname != "alert":
        return [f"root element: expected cap:alert (cap = {CAP}), got {root.tag}"]
    return _schema_problems(root) + rule_problems(root)


def check(data: bytes | str) -> None:
    """CapError naming the first problems, if any."""
    found = problems(data)
    if found:
        more = f"; and {len(found) - 5} more" if len(found) > 5 else ""
        raise CapError(f"CAP 1.2: not valid: {'; '.join(found[:5])}{more}")
