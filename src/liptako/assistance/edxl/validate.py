"""Parsing and validating EDXL-RM 1.0 against the official schemas kept in ``xsd/``, offline.

Incoming XML is parsed with entities, DTDs and network access off; the schemas are loaded
from the package folder, where every ``schemaLocation`` is a relative path.
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

RM_MSG = "urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg"
RM = "urn:oasis:names:tc:emergency:EDXL:RM:1.0"
GML = "http://www.opengis.net/gml"
XAL = "urn:oasis:names:tc:ciq:xal:3"
NS = {"rmsg": RM_MSG, "rm": RM, "gml": GML, "xal": XAL}
SUPPORTED = ("RequestResource", "ResponseToRequestResource", "CommitResource")
MAX_BYTES = 2 * 1024 * 1024
_LOCK = threading.Lock()  # a validator keeps its error log on itself: one caller at a time


class EdxlError(RuleViolation):
    """A message that is not well-formed, not EDXL-RM we read, or not valid."""

    code = "invalid_edxl_rm"


def schema_dir() -> Path:
    """The folder holding the EDXL-RM 1.0 message schemas."""
    root = files("liptako.assistance.edxl").joinpath("xsd")
    return Path(str(root)) / "edxl-rm-1.0" / "external" / "edxl-rm" / "1.0"


@functools.cache
def schema(message_type: str) -> etree.XMLSchema:
    """The compiled schema of one EDXL-RM message type."""
    path = schema_dir() / f"EDXL-RM{message_type}.xsd"
    return etree.XMLSchema(etree.parse(str(path), xmlsafe.parser()))


def short(text: str) -> str:
    """Namespaces written as their usual prefixes: ``{…:RM:1.0:msg}Name`` -> ``rmsg:Name``."""
    for prefix, uri in NS.items():
        text = text.replace(f"{{{uri}}}", f"{prefix}:")
    return re.sub(r"\s+", " ", text)


def parse(data: bytes | str) -> etree._Element:
    """The root element of a well-formed document, or an EdxlError saying where it broke."""
    return xmlsafe.parse(data, label="EDXL-RM", max_bytes=MAX_BYTES, error=EdxlError)


def message_type(root: etree._Element) -> str:
    """The message type named by the root element, if it is one this system reads."""
    name = etree.QName(root)
    if name.namespace != RM_MSG or name.localname not in SUPPORTED:
        expected = ", ".join(f"rmsg:{t}" for t in SUPPORTED)
        raise EdxlError(f"root element: expected one of {expected} (rmsg = {RM_MSG}), "
                        f"got {short(root.tag)}")
    return str(name.localname)


def problems(root: etree._Element) -> list[str]:
    """Every schema error of a message, as 'line N: what was wrong and what was expected'."""
    kind = message_type(root)
    validator = schema(kind)
    with _LOCK:
        try:
            if validator.validate(root):
                return []
        except etree.XMLSchemaValidateError as exc:
            return [f"the validator gave up: {exc}"]
        return [f"line {e.line}: {short(e.message)}" for e in validator.error_log]


def check(root: etree._Element) -> str:
    """The message type of a valid message; an EdxlError naming the first errors otherwise."""
    kind = message_type(root)
    found = problems(root)
    if found:
        shown = "; ".join(found[:5]) + (f"; and {len(found) - 5} more" if len(found) > 5 else "")
        raise EdxlError(f"rmsg:{kind}: not valid against EDXL-RM{kind}.xsd: {shown}")
    return kind
