"""Reading EDXL-RM 1.0 messages back into plain values, after schema validation.

A message valid against the schema can still lack what this system needs (the requesting
state's country code, the reply-by line, a measured quantity...): each such gap is an
:class:`EdxlError` naming the element and what was expected.
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
    Message,
    RequestMessage,
    ResponseMessage,
)
from liptako.assistance.edxl.validate import NS, EdxlError, check, parse

TRAILER = re.compile(r"^(Charter|Reply by|TLP): (.+)$")
CHARTER = re.compile(r"^(?P<pact>[a-z0-9-]+) Art\. (?P<article>\w+)$")
DEFAULT_UNIT = "units"


def _text(el: etree._Element, path: str) -> str | None:
    found = el.find(path, NS)
    return None if found is None or found.text is None else found.text.strip()


def _need(el: etree._Element, path: str, where: str, expected: str) -> str:
    value = _text(el, path)
    if not value:
        raise EdxlError(f"{where}/{path}: expected {expected}, got none")
    return value


def _time(value: str, where: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise EdxlError(f"{where}: expected an xsd:dateTime, got {value!r}") from None
    if parsed.tzinfo is None:
        raise EdxlError(f"{where}: expected a date-time with its time zone, got {value!r}")
    return parsed.astimezone(dt.UTC)


def _listed(el: etree._Element, path: str, urn: str) -> str | None:
    for holder in el.findall(path, NS):
        if _text(holder, "rm:ValueListURN") == urn:
            return _text(holder, "rm:Value")
    return None


def _state(root: etree._Element, role: str) -> str:
    for contact in root.findall("rmsg:ContactInformation", NS):
        if _text(contact, "rm:ContactRole") != role:
            continue
        name = contact.find("rm:ContactLocation/rm:Address/xal:Country/xal:NameElement", NS)
        code = None if name is None else name.get(f"{{{NS['xal']}}}NameCode")
        if code and re.fullmatch(r"[A-Z]{3}", code):
            return str(code)
    raise EdxlError(f"rmsg:ContactInformation: expected one with rm:ContactRole {role} and "
                    "rm:ContactLocation/rm:Address/xal:Country/xal:NameElement carrying an "
                    "xal:NameCode (ISO 3166-1 alpha-3), got none")


def _description(text: str) -> tuple[str, str, dict[str, str]]:
    lines = text.strip().splitlines()
    fields: dict[str, str] = {}
    while lines and (m := TRAILER.match(lines[-1].strip())):
        fields[m.group(1)] = m.group(2).strip()
        lines.pop()
    title, body = (lines[0].strip() if lines else ""), "\n".join(lines[1:]).strip()
    return title, body, fields


def _quantity(info: etree._Element, where: str) -> tuple[float, str]:
    measured = info.find("rmsg:AssignmentInformation/rmsg:Quantity/rm:MeasuredQuantity", NS)
    if measured is None:
        raise EdxlError(f"{where}/rmsg:AssignmentInformation/rmsg:Quantity: expected an "
                        "rm:MeasuredQuantity with an rm:Amount, got none")
    unit = _listed(measured, "rm:UnitOfMeasure", UNIT_URN) or _text(
        measured, "rm:UnitOfMeasure/rm:Value") or DEFAULT_UNIT
    return float(_need(measured, "rm:Amount", where, "an amount")), unit


def _schedule(info: etree._Element, kind: str) -> etree._Element | None:
    for schedule in info.findall("rmsg:ScheduleInformation", NS):
        if _text(schedule, "rmsg:ScheduleType") == kind:
            return schedule
    return None


def _point(schedule: etree._Element, where: str) -> tuple[float | None, float | None]:
    pos = _text(schedule, "rmsg:Location/rm:TargetArea/gml:Point/gml:pos")
    if pos is None:
        return None, None
    values = pos.split()
    if len(values) != 2:
        raise EdxlError(f"{where}/rmsg:ScheduleInformation/rmsg:Location/rm:TargetArea/"
                        f"gml:Point/gml:pos: expected 'lat lon', got {pos!r}")
    return float(values[0]), float(values[1])


def _item(info: etree._Element, n: int) -> Item:
    where = f"rmsg:ResourceInformation[{n}]"
    element_id = _need(info, "rmsg:ResourceInfoElementID", where, "an element id")
    quantity, unit = _quantity(info, where)
    start = _schedule(info, "RequestedArrival")
    if start is None:
        raise EdxlError(f"{where}/rmsg:ScheduleInformation: expected one with ScheduleType "
                        "RequestedArrival, a DateTime and a Location, got none")
    end = _schedule(info, "EstimatedReturnDeparture")
    lat, lon = _point(start, where)
    priority = _listed(info, "rmsg:Resource/rmsg:Keyword", PRIORITY_URN) or "2"
    return Item(
        element_id=element_id,
        kind=_listed(info, "rmsg:Resource/rmsg:TypeStructure", KIND_URN) or "other",
        description=_need(info, "rmsg:Resource/rmsg:Name", where, "a resource name"),
        quantity=quantity, unit=unit,
        place=_need(start, "rmsg:Location/rm:LocationDescription", where, "a place"),
        lat=lat, lon=lon,
        starts_at=_time(_need(start, "rmsg:DateTime", where, "a start"), where),
        ends_at=None if end is None or _text(end, "rmsg:DateTime") is None
        else _time(_text(end, "rmsg:DateTime") or "", where),
        priority=int(priority) if priority.isdigit() else 2)


def _request(root: etree._Element) -> RequestMessage:
    where = "rmsg:MessageDescription"
    title, body, fields = _description(_need(root, where, "rmsg:RequestResource",
                                             "a title, the situation and a trailer"))
    charter = CHARTER.match(fields.get("Charter", ""))
    if charter is None or "Reply by" not in fields:
        raise EdxlError(f"{where}: expected closing lines 'Charter: <pact> Art. <n>' and "
                        f"'Reply by: <date-time>', got {sorted(fields) or 'none'}")
    incidents = [_text(i, "rm:IncidentID") or "" for i in
                 root.findall("rmsg:IncidentInformation", NS)]
    return RequestMessage(
        message_id=_need(root, "rmsg:OriginatingMessageID", "rmsg:RequestResource", "an id"),
        sent_at=_time(_need(root, "rmsg:SentDateTime", "rmsg:RequestResource", "a time"),
                      "rmsg:SentDateTime"),
        requester=_state(root, "Requester"), pact_id=charter["pact"],
        article=charter["article"], title=title, situation=body,
        deadline_at=_time(fields["Reply by"], f"{where} (Reply by)"),
        tlp=fields.get("TLP", "AMBER"),
        incident_ids=tuple(int(i.removeprefix(INCIDENT_PREFIX)) for i in incidents
                           if i.startswith(INCIDENT_PREFIX)
                           and i.removeprefix(INCIDENT_PREFIX).isdigit()),
        items=tuple(_item(info, n) for n, info in
                    enumerate(root.findall("rmsg:ResourceInformation", NS), start=1)))


def _answer(info: etree._Element, n: int) -> Answer:
    where = f"rmsg:ResourceInformation[{n}]"
    kind = _need(info, "rmsg:ResponseInformation/rm:ResponseType", where, "a response type")
    answer = Answer(
        element_id=_need(info, "rmsg:ResourceInfoElementID", where, "an element id"),
        item_element_id=_need(info, "rmsg:ResponseInformation/rm:PrecedingResourceInfoElementID",
                              where, "the id of the requested resource it answers"),
        response=kind, reason=_text(info, "rmsg:ResponseInformation/rm:ResponseReason"))
    if kind == "Decline":
        return answer
    quantity, unit = _quantity(info, where)
    begin = _schedule(info, "BeginAvailable")
    if begin is None:
        raise EdxlError(f"{where}/rmsg:ScheduleInformation: expected one with ScheduleType "
                        "BeginAvailable and a DateTime, got none")
    return Answer(
        answer.element_id, answer.item_element_id, kind, answer.reason,
        description=_need(info, "rmsg:Resource/rmsg:Name", where, "a resource name"),
        kind=_listed(info, "rmsg:Resource/rmsg:TypeStructure", KIND_URN),
        quantity=quantity, unit=unit,
        available_from=_time(_need(begin, "rmsg:DateTime", where, "a time"), where),
        note=_text(info, "rmsg:Resource/rmsg:Description"))


def _response(root: etree._Element, kind: str) -> ResponseMessage:
    where = f"rmsg:{kind}"
    return ResponseMessage(
        message_type=kind, message_id=_need(root, "rmsg:MessageID", where, "an id"),
        sent_at=_time(_need(root, "rmsg:SentDateTime", where, "a time"), "rmsg:SentDateTime"),
        originating_id=_need(root, "rmsg:OriginatingMessageID", where, "the request's id"),
        preceding_id=_need(root, "rmsg:PrecedingMessageID", where, "an id"),
        responder=_state(root, "RespondingOrg"),
        answers=tuple(_answer(info, n) for n, info in
                      enumerate(root.findall("rmsg:ResourceInformation", NS), start=1)))


def read(data: bytes | str) -> Message:
    """Parse, validate against the schema, then read one message."""
    root = parse(data)
    kind = check(root)
    return _request(root) if kind == "RequestResource" else _response(root, kind)
