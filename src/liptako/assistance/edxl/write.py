"""Writing EDXL-RM 1.0 messages: RequestResource, ResponseToRequestResource, CommitResource.

Mapping (documented in docs of the domain, kept short here):

- request: MessageDescription = title, blank line, situation, blank line, then the lines
  ``Charter: <pact> Art. <n>``, ``Reply by: <date-time>``, ``TLP: <level>`` (EDXL-RM has no
  element for an invocation or an answer deadline); IncidentInformation/IncidentID =
  ``liptako:incident:<id>`` (ids only: an incident's content keeps its own marking);
  ContactInformation with ContactRole Requester and the state as an xAL country code;
- line item -> ResourceInformation ``item-<n>``: Name = description, TypeStructure = kind,
  Keyword = priority, MeasuredQuantity + UnitOfMeasure, ScheduleInformation RequestedArrival
  (start, place, point) and EstimatedReturnDeparture (end);
- answer -> ResourceInformation with ResponseInformation (PrecedingResourceInfoElementID,
  ResponseType, ResponseReason), the pledging state as OwningJurisdiction, the quantity, and
  ScheduleInformation BeginAvailable.
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree

from liptako.assistance.edxl.messages import (
    INCIDENT_PREFIX,
    KIND_URN,
    PRIORITY_URN,
    UNIT_URN,
    Answer,
    Item,
    RequestMessage,
    ResponseMessage,
)
from liptako.assistance.edxl.validate import NS
from liptako.auth.rules import STATE_NAMES

COUNTRY_NAMES = {**STATE_NAMES, "SEC": "AES"}
# characters XML 1.0 does not allow: the API refuses them on input, and a record stored with
# one some other way still exports, each shown as U+FFFD
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _el(parent: etree._Element, prefix: str, name: str, text: str | None = None,
        ) -> etree._Element:
    child = etree.SubElement(parent, _q(prefix, name))
    if text is not None:
        child.text = xml_text(text)
    return child


def when(value: dt.datetime) -> str:
    """An xsd:dateTime in UTC."""
    return value.astimezone(dt.UTC).isoformat()


def amount(value: float) -> str:
    return repr(float(value))


def _value_list(parent: etree._Element, prefix: str, name: str, urn: str, value: str) -> None:
    element = _el(parent, prefix, name)
    _el(element, "rm", "ValueListURN", urn)
    _el(element, "rm", "Value", value)


def _header(root: etree._Element, message_id: str, sent_at: dt.datetime, kind: str) -> None:
    _el(root, "rmsg", "MessageID", message_id)
    _el(root, "rmsg", "SentDateTime", when(sent_at))
    _el(root, "rmsg", "MessageContentType", kind)


def _contact(root: etree._Element, state: str, role: str) -> None:
    contact = _el(root, "rmsg", "ContactInformation")
    _el(contact, "rm", "ContactDescription", f"Liaison officer, {COUNTRY_NAMES.get(state, state)}")
    _el(contact, "rm", "ContactRole", role)
    address = _el(_el(contact, "rm", "ContactLocation"), "rm", "Address")
    name = _el(_el(address, "xal", "Country"), "xal", "NameElement",
               COUNTRY_NAMES.get(state, state))
    name.set(_q("xal", "NameCode"), state)
    name.set(_q("xal", "NameCodeType"), "ISO 3166-1 alpha-3")


def _quantity(parent: etree._Element, value: float, unit: str | None) -> None:
    measured = _el(_el(parent, "rmsg", "Quantity"), "rm", "MeasuredQuantity")
    _el(measured, "rm", "Amount", amount(value))
    if unit:
        _value_list(measured, "rm", "UnitOfMeasure", UNIT_URN, unit)


def _schedule(parent: etree._Element, kind: str, at: dt.datetime, place: str | None = None,
              lat: float | None = None, lon: float | None = None) -> None:
    schedule = _el(parent, "rmsg", "ScheduleInformation")
    _el(schedule, "rmsg", "ScheduleType", kind)
    _el(schedule, "rmsg", "DateTime", when(at))
    if place is None:
        return
    location = _el(schedule, "rmsg", "Location")
    _el(location, "rm", "LocationDescription", place)
    if lat is not None and lon is not None:
        point = _el(_el(location, "rm", "TargetArea"), "gml", "Point")
        _el(point, "gml", "pos", f"{lat!r} {lon!r}")


def description_text(msg: RequestMessage) -> str:
    return (f"{msg.title}\n\n{msg.situation}\n\nCharter: {msg.pact_id} Art. {msg.article}\n"
            f"Reply by: {when(msg.deadline_at)}\nTLP: {msg.tlp}")


def _item(root: etree._Element, item: Item) -> None:
    info = _el(root, "rmsg", "ResourceInformation")
    _el(info, "rmsg", "ResourceInfoElementID", item.element_id)
    resource = _el(info, "rmsg", "Resource")
    _el(resource, "rmsg", "Name", item.description)
    _value_list(resource, "rmsg", "TypeStructure", KIND_URN, item.kind)
    _value_list(resource, "rmsg", "Keyword", PRIORITY_URN, str(item.priority))
    _quantity(_el(info, "rmsg", "AssignmentInformation"), item.quantity, item.unit)
    _schedule(info, "RequestedArrival", item.starts_at, item.place, item.lat, item.lon)
    if item.ends_at is not None:
        _schedule(info, "EstimatedReturnDeparture", item.ends_at)


def request_resource(msg: RequestMessage) -> bytes:
    """A RequestResource: one ResourceInformation per line item."""
    root = etree.Element(_q("rmsg", "RequestResource"), nsmap=NS)
    _header(root, msg.message_id, msg.sent_at, "RequestResource")
    _el(root, "rmsg", "MessageDescription", description_text(msg))
    _el(root, "rmsg", "OriginatingMessageID", msg.message_id)
    for incident_id in msg.incident_ids:
        _el(_el(root, "rmsg", "IncidentInformation"), "rm", "IncidentID",
            f"{INCIDENT_PREFIX}{incident_id}")
    _contact(root, msg.requester, "Requester")
    for item in msg.items:
        _item(root, item)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _answer(root: etree._Element, answer: Answer, responder: str) -> None:
    info = _el(root, "rmsg", "ResourceInformation")
    _el(info, "rmsg", "ResourceInfoElementID", answer.element_id)
    response = _el(info, "rmsg", "ResponseInformation")
    _el(response, "rm", "PrecedingResourceInfoElementID", answer.item_element_id)
    _el(response, "rm", "ResponseType", answer.response)
    if answer.reason:
        _el(response, "rm", "ResponseReason", answer.reason)
    if answer.response == "Decline":
        return
    resource = _el(info, "rmsg", "Resource")
    _el(resource, "rmsg", "Name", answer.description)
    if answer.kind:
        _value_list(resource, "rmsg", "TypeStructure", KIND_URN, answer.kind)
    if answer.note:
        _el(resource, "rmsg", "Description", answer.note)
    _el(_el(resource, "rmsg", "OwnershipInformation"), "rm", "OwningJurisdiction", responder)
    if answer.quantity is not None:
        _quantity(_el(info, "rmsg", "AssignmentInformation"), answer.quantity, answer.unit)
    if answer.available_from is not None:
        _schedule(info, "BeginAvailable", answer.available_from)


def response(msg: ResponseMessage) -> bytes:
    """A ResponseToRequestResource (offers, declines) or a CommitResource (accepted pledges)."""
    root = etree.Element(_q("rmsg", msg.message_type), nsmap=NS)
    _header(root, msg.message_id, msg.sent_at, msg.message_type)
    _el(root, "rmsg", "OriginatingMessageID", msg.originating_id)
    _el(root, "rmsg", "PrecedingMessageID", msg.preceding_id)
    _contact(root, msg.responder, "RespondingOrg")
    for answer in msg.answers:
        _answer(root, answer, msg.responder)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
