"""EDXL-RM 1.0: every exported message is valid against the official schema (checked by lxml
and, independently, by xmlschema), messages import back into the same state, and bad input is
refused naming the element and what was expected."""

from __future__ import annotations

import functools
import socket
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from lxml import etree
from sqlalchemy.orm import Session

from factories.assistance import NOW, attacked, caller, made_by, offer, opened
from liptako.assistance import edxl, exchange, pledging
from liptako.assistance import service as assistance
from liptako.assistance.edxl import validate
from liptako.assistance.models import AssistanceRequest
from liptako.auth.models import User
from liptako.core.errors import Conflict, NotFound, PermissionDenied
from liptako.incidents.models import Incident

Cast = dict[str, User]
DATA = Path(__file__).parent / "data"
NS = validate.NS


@functools.cache
def _independent(kind: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(validate.schema_dir() / f"EDXL-RM{kind}.xsd"), allow="local")


def assert_valid(xml: bytes, kind: str) -> etree._Element:
    root = edxl.parse(xml)
    assert etree.QName(root).localname == kind
    assert edxl.problems(root) == []
    _independent(kind).validate(xml.decode("utf-8"))
    return root


def _answered(session: Session, cast: Cast, incident: Incident | None = None,
              ) -> tuple[AssistanceRequest, list[Any]]:
    """MLI's request: BFA offers two items (one accepted), NER declines."""
    made = opened(session, cast, [incident or attacked(session, "MLI")],
                  situation="JNIM & ISSP <combined> attack.\n\nSecond paragraph.")
    accepted = offer(session, cast, made, "BFA", quantity=4)
    offered = offer(session, cast, made, "BFA", position=3, quantity=120.5)
    pledging.accept_pledge(session, made.id, accepted.id, caller=caller(made_by(cast, "MLI")),
                           now=NOW)
    declined = pledging.decline(session, made.id, reason="Forces engaged at home",
                                caller=caller(made_by(cast, "NER")), now=NOW)
    return made, [accepted, offered, declined]


def test_the_request_exports_as_a_valid_request_resource(session: Session, cast: Cast) -> None:
    made, _ = _answered(session, cast)
    root = assert_valid(exchange.export_request(made, now=NOW), "RequestResource")
    assert root.findtext("rmsg:MessageID", namespaces=NS) == made.message_id
    assert root.findtext("rmsg:OriginatingMessageID", namespaces=NS) == made.message_id
    infos = root.findall("rmsg:ResourceInformation", NS)
    assert [i.findtext("rmsg:ResourceInfoElementID", namespaces=NS) for i in infos] == [
        "item-1", "item-2", "item-3"]
    assert [i.findtext("rmsg:Resource/rmsg:TypeStructure/rm:Value", namespaces=NS)
            for i in infos] == ["air_support", "medical_evacuation", "humanitarian_relief"]
    code = root.find("rmsg:ContactInformation/rm:ContactLocation/rm:Address/xal:Country/"
                     "xal:NameElement", NS)
    assert code is not None and code.get(f"{{{NS['xal']}}}NameCode") == "MLI"
    assert root.findtext("rmsg:IncidentInformation/rm:IncidentID", namespaces=NS) == (
        f"liptako:incident:{made.incidents[0].id}")


def test_pledges_and_declines_export_as_valid_responses_and_commits(
        session: Session, cast: Cast) -> None:
    made, (accepted, offered, declined) = _answered(session, cast)
    commit = assert_valid(exchange.export_pledge(made, accepted, now=NOW), "CommitResource")
    assert (commit.findtext("rmsg:MessageID", namespaces=NS),
            commit.findtext("rmsg:OriginatingMessageID", namespaces=NS),
            commit.findtext("rmsg:PrecedingMessageID", namespaces=NS)) == (
        f"{accepted.message_id}:commit", made.message_id, accepted.message_id)
    response = assert_valid(exchange.export_pledge(made, offered, now=NOW),
                            "ResponseToRequestResource")
    assert response.findtext("rmsg:PrecedingMessageID", namespaces=NS) == made.message_id
    assert response.findtext("rmsg:ResourceInformation/rmsg:Resource/rmsg:OwnershipInformation/"
                             "rm:OwningJurisdiction", namespaces=NS) == "BFA"
    refusal = assert_valid(exchange.export_decline(made, declined, now=NOW),
                           "ResponseToRequestResource")
    assert [e.text for e in refusal.iterfind(".//rm:ResponseType", NS)] == ["Decline"] * 3
    pledging.withdraw_pledge(session, made.id, offered.id, reason=None,
                             caller=caller(made_by(cast, "BFA")), now=NOW)
    with pytest.raises(Conflict, match=f"pledge {offered.id} is withdrawn: expected pledged, "
                                       "accepted or delivered to export it"):
        exchange.export_pledge(made, offered, now=NOW)


def test_text_xml_cannot_carry_still_exports_valid(session: Session, cast: Cast) -> None:
    """The API refuses such characters on input; a record holding them nonetheless (stored
    before, or by another way in) exports, each shown as U+FFFD."""
    made, (accepted, _, declined) = _answered(session, cast)
    bad = "a\x00b\x0bc\ud800d\uffffe"
    with session.no_autoflush:  # kept in memory: PostgreSQL would not store NUL at all
        made.title, made.situation, made.items[0].description = bad, bad, bad
        made.items[0].place = bad
        accepted.description, accepted.note, declined.reason = bad, bad, bad
        exports = [(exchange.export_request(made, now=NOW), "RequestResource"),
                   (exchange.export_pledge(made, accepted, now=NOW), "CommitResource"),
                   (exchange.export_decline(made, declined, now=NOW),
                    "ResponseToRequestResource")]
        for xml, kind in exports:
            root = assert_valid(xml, kind)
            assert "a\ufffdb\ufffdc\ufffdd\ufffde" in "".join(root.itertext())
        session.expunge_all()


def _state_of(made: AssistanceRequest) -> dict[str, Any]:
    return {
        "message_id": made.message_id, "requesting_state": made.requesting_state,
        "pact": (made.pact_id, made.article), "title": made.title,
        "situation": made.situation, "deadline_at": made.deadline_at, "tlp": made.tlp,
        "incidents": [i.id for i in made.incidents], "duties": sorted(d.id for d in made.duties),
        "items": [(i.position, i.kind, i.description, i.quantity, i.unit, i.place, i.lat, i.lon,
                   i.starts_at, i.ends_at, i.priority) for i in made.items],
        "pledges": sorted((p.state, p.item.position, p.quantity, p.available_from,
                           p.description, p.note, p.message_id) for p in made.pledges),
        "declines": sorted((d.state, d.reason, d.message_id) for d in made.declines)}


def test_messages_import_back_into_the_same_state(session: Session, cast: Cast) -> None:
    incident = attacked(session, "MLI")  # the incident and its duties stay; the rest goes
    savepoint = session.begin_nested()
    made, (accepted, offered, declined) = _answered(session, cast, incident)
    before = _state_of(made)
    messages = [("BFA", exchange.export_pledge(made, accepted, now=NOW)),
                ("BFA", exchange.export_pledge(made, offered, now=NOW)),
                ("NER", exchange.export_decline(made, declined, now=NOW))]
    request_xml, made_id = exchange.export_request(made, now=NOW), made.id
    savepoint.rollback()
    assert session.get(AssistanceRequest, made_id) is None
    mli = caller(made_by(cast, "MLI"))
    result = exchange.import_edxl_rm(session, request_xml, caller=mli, now=NOW)
    again = session.get(AssistanceRequest, result.request_id)
    assert again is not None and (result.kind, again.status, again.source) == (
        "request", "draft", "edxl-rm")
    assistance.submit(session, again.id, caller=mli, now=NOW)
    kinds = [exchange.import_edxl_rm(session, xml, caller=caller(made_by(cast, state)),
                                     now=NOW).kind for state, xml in messages]
    assert kinds == ["pledges", "pledges", "decline"]
    assert _state_of(again) == before
    assert {p.status for p in again.pledges} == {"pledged"}  # acceptance is the requester's act


def test_an_imported_message_is_imported_once(session: Session, cast: Cast) -> None:
    made, (accepted, _, declined) = _answered(session, cast)
    for state, xml in (("MLI", exchange.export_request(made, now=NOW)),
                       ("BFA", exchange.export_pledge(made, accepted, now=NOW)),
                       ("NER", exchange.export_decline(made, declined, now=NOW))):
        with pytest.raises(Conflict, match="was already imported"):
            exchange.import_edxl_rm(session, xml, caller=caller(made_by(cast, state)), now=NOW)


def test_a_liaison_imports_for_its_own_state_only(session: Session, cast: Cast) -> None:
    made, (accepted, _, _) = _answered(session, cast)
    with pytest.raises(PermissionDenied, match="the message requests assistance for MLI; a "
                                               "BFA liaison officer imports requests for BFA"):
        exchange.import_edxl_rm(session, exchange.export_request(made, now=NOW),
                                caller=caller(made_by(cast, "BFA")), now=NOW)
    with pytest.raises(PermissionDenied, match="the message answers for BFA; a NER liaison"):
        exchange.import_edxl_rm(session, exchange.export_pledge(made, accepted, now=NOW),
                                caller=caller(made_by(cast, "NER")), now=NOW)
    with pytest.raises(PermissionDenied, match="import: expected a liaison officer"):
        exchange.import_edxl_rm(session, exchange.export_request(made, now=NOW),
                                caller=caller(cast["awa_mli_analyst"]), now=NOW)


def _swap(xml: bytes, old: str, new: str) -> bytes:
    assert old.encode() in xml
    return xml.replace(old.encode(), new.encode())


def test_bad_messages_are_refused_naming_the_element(session: Session, cast: Cast) -> None:
    made, (_, offered, _) = _answered(session, cast)
    mli, bfa = caller(made_by(cast, "MLI")), caller(made_by(cast, "BFA"))
    request_xml = _swap(exchange.export_request(made, now=NOW), made.message_id,
                        "urn:uuid:another")
    cases: list[tuple[bytes, Any, str]] = [
        (b"<RequestResource>", mli, "expected well-formed XML"),
        (b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'/>", mli,
         "root element: expected one of rmsg:RequestResource"),
        (_swap(request_xml, "rmsg:ContactInformation>", "rmsg:Contact>"), mli,
         r"Element 'rmsg:Contact': This element is not expected. Expected is one of \( "
         r"rmsg:IncidentInformation, rmsg:MessageRecall, rmsg:Funding, "
         r"rmsg:ContactInformation \)"),
        (_swap(request_xml, "<rm:ContactRole>Requester", "<rm:ContactRole>Boss"), mli,
         "rm:ContactRole': \\[facet 'enumeration'\\] The value 'Boss' is not an element of "
         "the set"),
        (_swap(request_xml, "Reply by:", "Answer by:"), mli,
         "rmsg:MessageDescription: expected closing lines 'Charter: <pact> Art. <n>' and "
         "'Reply by: <date-time>'"),
        (_swap(request_xml, f"liptako:incident:{made.incidents[0].id}", "ext:42"), mli,
         "rmsg:IncidentInformation: expected at least one rm:IncidentID"),
        (_swap(request_xml, "<rm:Value>air_support<", "<rm:Value>gunboats<"), mli,
         r"items.0.kind: Input should be"),
        (_swap(_swap(exchange.export_pledge(made, offered, now=NOW), ">item-3<", ">item-9<"),
               f"<rmsg:MessageID>{offered.message_id}", "<rmsg:MessageID>urn:uuid:new"), bfa,
         "rm:PrecedingResourceInfoElementID: expected one of item-1, item-2, item-3, got "
         "'item-9'"),
    ]
    for xml, who, message in cases:
        with pytest.raises(edxl.EdxlError, match=message):
            exchange.import_edxl_rm(session, xml, caller=who, now=NOW)
    unknown = _swap(exchange.export_pledge(made, offered, now=NOW),
                    f"<rmsg:OriginatingMessageID>{made.message_id}",
                    "<rmsg:OriginatingMessageID>urn:uuid:nowhere")
    with pytest.raises(NotFound, match="no request urn:uuid:nowhere you may see"):
        exchange.import_edxl_rm(session, unknown, caller=bfa, now=NOW)


def test_entities_are_never_expanded(session: Session, cast: Cast, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("launch codes", "utf-8")
    made, _ = _answered(session, cast)
    xml = exchange.export_request(made, now=NOW).decode()
    evil = xml.replace("<?xml version='1.0' encoding='UTF-8'?>",
                       f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM '
                       f'"{secret.as_uri()}">]>').replace("TLP: AMBER", "TLP: &x;")
    with pytest.raises(edxl.EdxlError, match="expected no DOCTYPE") as error:
        exchange.import_edxl_rm(session, evil.encode(), caller=caller(made_by(cast, "MLI")),
                                now=NOW)
    assert "launch codes" not in error.value.detail
    root = etree.fromstring(evil.encode(), etree.XMLParser(resolve_entities=False))
    assert validate.problems(root)  # even past the parser, never valid


def test_the_reference_instance_validates_but_lacks_what_we_need(session: Session,
                                                                 cast: Cast) -> None:
    example = (DATA / "RequestResource-minimal.xml").read_bytes()
    assert edxl.check(edxl.parse(example)) == "RequestResource"
    with pytest.raises(edxl.EdxlError, match="rmsg:RequestResource/rmsg:MessageDescription: "
                                             "expected a title, the situation and a trailer, "
                                             "got none"):
        exchange.import_edxl_rm(session, example, caller=caller(made_by(cast, "MLI")), now=NOW)


def test_schemas_load_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    validate.schema.cache_clear()
    _independent.cache_clear()
    for kind in validate.SUPPORTED:  # lxml parses with no_network; xmlschema with allow=local
        assert validate.schema(kind) is not None and _independent(kind) is not None
    assert validate.check(validate.parse((DATA / "RequestResource-minimal.xml").read_bytes()))
    ours = validate.schema_dir().parents[2]
    assert len(list(ours.rglob("*.xsd"))) == 32
