"""Parsing XML from outside safely, once for every standard we read (EDXL-RM, CAP): entities,
DTDs and network access off, a size limit, no DOCTYPE."""

from __future__ import annotations

from lxml import etree

from liptako.core.errors import RuleViolation


def parser() -> etree.XMLParser:
    """A parser that expands no entity, loads no DTD and never reaches the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


def parse(data: bytes | str, *, label: str, max_bytes: int,
          error: type[RuleViolation]) -> etree._Element:
    """The root element of a well-formed document without a DOCTYPE, else ``error`` saying,
    after ``label``, what was expected and what arrived."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise error(f"{label}: expected at most {max_bytes} bytes, got {len(raw)}")
    try:
        root = etree.fromstring(raw, parser())
    except etree.XMLSyntaxError as exc:
        raise error(f"{label}: expected well-formed XML, got {exc}") from None
    doctype = root.getroottree().docinfo.doctype
    if doctype:  # no message we read needs one; entities are never expanded
        raise error(f"{label}: expected no DOCTYPE (DTDs and entities are refused), "
                    f"got {doctype}")
    return root
