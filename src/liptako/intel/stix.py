"""STIX 2.1 vocabulary shared by export, import and TAXII: ids, timestamps and markings.

Pure: plain values in, plain dicts out. Ids are UUIDv5 over stable keys in liptako's own
namespace, so the same actor, incident or audience always gets the same id and a re-export
is identical. (The OASIS validator warns that SDO ids "should" be UUIDv4; determinism is
the point here, and the specification allows any UUID.)
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from liptako.auth.releasability import TLP_LEVELS, audience_list

SPEC_VERSION = "2.1"
MEDIA_TYPE_STIX = "application/stix+json;version=2.1"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://liptako.invalid/stix")

# TLP 2.0 as published by OASIS (cti-stix-common-objects, extension-definition-specifications
# /tlp-2.0): one property extension and five marking definitions with fixed ids.
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"
TLP2_IDS: Mapping[str, str] = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
# TLP 1.0's predefined markings (STIX 2.1 section 7.2.1.4), still sent by many tools.
TLP1_IDS: Mapping[str, str] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "CLEAR",  # TLP:WHITE
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "GREEN",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "AMBER",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "RED",
}
_LEVEL_BY_ID = {**{v: k for k, v in TLP2_IDS.items()}, **TLP1_IDS}


def stix_id(stix_type: str, *key: object) -> str:
    """The deterministic id of a ``stix_type`` object named by ``key``.

    >>> stix_id("threat-actor", "jnim") == stix_id("threat-actor", "jnim")
    True
    >>> stix_id("threat-actor", "jnim").startswith("threat-actor--")
    True
    """
    name = "|".join((stix_type, *(str(k) for k in key)))
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, name)}"


def timestamp(moment: dt.datetime | dt.date) -> str:
    """RFC 3339 in UTC with millisecond precision, as STIX and TAXII write it.

    >>> timestamp(dt.date(2019, 7, 1))
    '2019-07-01T00:00:00.000Z'
    """
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime(moment.year, moment.month, moment.day, tzinfo=dt.UTC)
    moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_timestamp(text: str) -> dt.datetime:
    """A STIX or TAXII timestamp as an aware datetime; ValueError names what was expected."""
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise ValueError(f"expected an RFC 3339 timestamp such as 2019-07-01T00:00:00.000Z, "
                         f"got {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def version_of(obj: Mapping[str, Any]) -> str:
    """The version of an object: its ``modified``, or ``created`` for objects without one."""
    return str(obj.get("modified") or obj.get("created") or "")


def tlp_marking(level: str) -> dict[str, Any]:
    """The TLP 2.0 marking definition of ``level`` (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)."""
    return {
        "type": "marking-definition",
        "spec_version": SPEC_VERSION,
        "id": TLP2_IDS[level],
        "created": TLP2_CREATED,
        "name": f"TLP:{level}",
        "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension",
                                        "tlp_2_0": level.lower()}},
    }


def statement_marking(originator: str, audience: str, *, created: str) -> dict[str, Any]:
    """A statement marking naming who a record is releasable to, beyond its TLP."""
    names = sorted({originator, *audience_list(audience)})
    return {
        "type": "marking-definition",
        "spec_version": SPEC_VERSION,
        "id": stix_id("marking-definition", "releasable", *names),
        "created": created,
        "name": f"AES releasable to {', '.join(names)}",
        "definition_type": "statement",
        "definition": {"statement": f"AES: releasable to {', '.join(names)} only "
                                    f"(originator {originator})"},
    }


def tlp_of(marking_refs: Iterable[str]) -> str | None:
    """The strictest TLP level among the marking ids (TLP 1.0 or 2.0), or None if none."""
    levels = [_LEVEL_BY_ID[ref] for ref in marking_refs if ref in _LEVEL_BY_ID]
    return max(levels, key=TLP_LEVELS.index) if levels else None


def is_tlp_marking(marking_id: str) -> bool:
    return marking_id in _LEVEL_BY_ID


TLP1_CREATED = "2017-01-20T00:00:00.000Z"


def marking_definition(marking_id: str) -> dict[str, Any] | None:
    """The predefined marking definition with this id (TLP 2.0, or TLP 1.0 as STIX 2.1
    section 7.2.1.4 gives it), None for any other id."""
    level = _LEVEL_BY_ID.get(marking_id)
    if level is None:
        return None
    if marking_id in TLP2_IDS.values():
        return tlp_marking(level)
    colour = "white" if level == "CLEAR" else level.lower()
    return {"type": "marking-definition", "spec_version": SPEC_VERSION, "id": marking_id,
            "created": TLP1_CREATED, "name": f"TLP:{colour.upper()}",
            "definition_type": "tlp", "definition": {"tlp": colour}}
