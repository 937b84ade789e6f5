"""Every CAP document the system writes validates against the OASIS CAP 1.2 schema (the copy
in the package, offline) and keeps the rules the schema cannot express."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.alerts import NOW, evaluate, incident, rule
from liptako.alerts.area import admin1_areas, cap_polygons
from liptako.alerts.cap.validate import NS, CapError, check, polygon_problem, problems
from liptako.alerts.models import AlertMessage

EXAMPLES = Path(__file__).parent / "data"


def _messages(session: Session) -> list[AlertMessage]:
    return list(session.scalars(select(AlertMessage).order_by(AlertMessage.id)))


def test_alerts_and_updates_validate_in_french_and_english(session: Session) -> None:
    rule(session, "events", threshold=1)
    rule(session, "fatalities", threshold=5, days=3)
    incident(session, "BFA", tlp="CLEAR")
    incident(session, "MLI", tlp="AMBER", audience=["NER"])
    incident(session, "NER", tlp="GREEN", fatalities=9)
    evaluate(session)
    incident(session, "NER", tlp="CLEAR", days_ago=0)
    evaluate(session)
    messages = _messages(session)
    assert len(messages) == 8 and {m.msg_type for m in messages} == {"Alert", "Update"}
    for message in messages:
        assert problems(message.cap_xml) == [], message.cap_xml
        root = etree.fromstring(message.cap_xml.encode())
        langs = [e.text for e in root.iterfind("cap:info/cap:language", NS)]
        assert langs == ["fr-FR", "en-US"]
        assert root.findtext("cap:sent", namespaces=NS).endswith("-00:00")
        assert root.findall("cap:info/cap:area/cap:polygon", NS)


def test_scope_follows_the_incidents_markings(session: Session) -> None:
    rule(session, "events", threshold=1)
    incident(session, "BFA", tlp="CLEAR")
    incident(session, "MLI", tlp="AMBER", audience=["NER"])
    evaluate(session)
    public, restricted = (etree.fromstring(m.cap_xml.encode()) for m in _messages(session))
    assert public.findtext("cap:scope", namespaces=NS) == "Public"
    assert public.find("cap:restriction", NS) is None
    assert restricted.findtext("cap:scope", namespaces=NS) == "Restricted"
    assert "TLP:AMBER" in restricted.findtext("cap:restriction", namespaces=NS)
    # AMBER by Mali for Niger: Mali, Niger and the secretariat, not Burkina Faso
    assert restricted.findtext("cap:addresses", namespaces=NS) == "MLI NER SEC"


def test_an_update_references_the_message_it_supersedes(session: Session) -> None:
    rule(session, "events", threshold=1)
    incident(session, "NER")
    evaluate(session)
    incident(session, "NER", days_ago=0)
    evaluate(session, now=NOW + dt.timedelta(hours=1))
    first, update = (etree.fromstring(m.cap_xml.encode()) for m in _messages(session))
    assert update.findtext("cap:msgType", namespaces=NS) == "Update"
    assert update.findtext("cap:references", namespaces=NS) == ",".join(
        first.findtext(f"cap:{n}", namespaces=NS) for n in ("sender", "identifier", "sent"))


def test_every_unit_gives_small_closed_polygons() -> None:
    for code in admin1_areas():
        polygons = cap_polygons(code)
        assert polygons and sum(len(p.split()) for p in polygons) <= 200, code
        assert all(polygon_problem(p) is None for p in polygons), code


@pytest.mark.parametrize("example", ["v1dot2_appendix_adot3.xml", "v1dot2_appendix_adot4.xml"])
def test_the_specifications_examples_pass_and_broken_ones_do_not(example: str) -> None:
    text = (EXAMPLES / example).read_text()
    check(text)
    for broken in (text.replace("-07:00</sent>", "Z</sent>").replace("-05:00</sent>", "Z</sent>"),
                   text.replace("<status>Actual</status>", "<status>Real</status>")):
        assert problems(broken)
    with pytest.raises(CapError, match="DOCTYPE"):
        check('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')


def test_rules_the_schema_cannot_express() -> None:
    assert polygon_problem("1,1 2,2 1,1") is not None  # three pairs
    assert polygon_problem("1,1 2,2 3,1 1,2") is not None  # not closed
    assert polygon_problem("95,1 2,2 3,1 95,1") is not None  # latitude out of range
    assert polygon_problem("1,1 2,2 3,1 1,1") is None
    text = (EXAMPLES / "v1dot2_appendix_adot3.xml").read_text()
    assert any("restriction" in p for p in problems(
        text.replace("<scope>Public</scope>", "<scope>Restricted</scope>")))
    assert any("identifier" in p for p in problems(
        text.replace("TRI13970876.2</identifier>", "TRI 13970876.2</identifier>")))


def test_an_alert_outside_every_unit_still_validates() -> None:
    """An incident abroad (Art. 7: forces deployed outside the Alliance) has no admin-1 unit:
    its area is named, without a polygon."""
    from factories.alerts import ISSUER
    from liptako.alerts.cap.write import write
    from liptako.alerts.evaluate import cap_message
    from liptako.alerts.models import Alert, AlertRule

    rule_ = AlertRule(id=3, name="Art. 7", kind="charter", severity="Extreme",
                      urgency="Immediate", certainty="Observed",
                      params={"days": 7, "articles": ["7"], "pact_id": "aes-2023"})
    alert = Alert(id=9, area_code=None, area_name="Abéché", iso3="TCD", events=1, fatalities=3,
                  severity="Extreme", urgency="Immediate", certainty="Observed", tlp="AMBER",
                  audience=",NER,SEC,", incidents=[], messages=[])
    text = write(cap_message(alert, rule_, identifier="urn:uuid:1", now=NOW, issuer=ISSUER,
                             previous=None))
    assert problems(text) == []
    root = etree.fromstring(text.encode())
    assert root.findtext("cap:info/cap:area/cap:areaDesc", namespaces=NS) == "Abéché"
    assert "Art. 7" in root.findtext("cap:info[2]/cap:headline", namespaces=NS)
