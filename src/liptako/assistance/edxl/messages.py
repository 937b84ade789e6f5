"""EDXL-RM messages as plain values: what the writer takes and the reader returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# value lists of our own, carried in EDXL-RM ValueListType elements
KIND_URN = "urn:x-liptako:assistance:line-kind"
PRIORITY_URN = "urn:x-liptako:assistance:priority"
UNIT_URN = "urn:x-liptako:assistance:unit"
INCIDENT_PREFIX = "liptako:incident:"
ITEM_PREFIX = "item-"


@dataclass(frozen=True)
class Item:
    """One ResourceInformation of a RequestResource: a line item."""

    element_id: str
    kind: str
    description: str
    quantity: float
    unit: str
    place: str
    lat: float | None
    lon: float | None
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    priority: int


@dataclass(frozen=True)
class RequestMessage:
    """A RequestResource: the request, its invocation and its line items."""

    message_id: str
    sent_at: dt.datetime
    requester: str
    pact_id: str
    article: str
    title: str
    situation: str
    deadline_at: dt.datetime
    tlp: str
    incident_ids: tuple[int, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Answer:
    """One ResourceInformation of a response: an offer (Accept/Provisional) or a Decline."""

    element_id: str
    item_element_id: str
    response: str
    reason: str | None = None
    description: str | None = None
    kind: str | None = None
    quantity: float | None = None
    unit: str | None = None
    available_from: dt.datetime | None = None
    note: str | None = None


@dataclass(frozen=True)
class ResponseMessage:
    """A ResponseToRequestResource or a CommitResource from one responding state."""

    message_type: str
    message_id: str
    sent_at: dt.datetime
    originating_id: str
    preceding_id: str
    responder: str
    answers: tuple[Answer, ...]


Message = RequestMessage | ResponseMessage
