"""The alerts API: rules by the secretariat, alerts as JSON, CAP and Atom for whoever may see
every incident behind them, acknowledgements by the member states, subscriptions by each
state's administrators."""

from __future__ import annotations

from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.alerts import UNITS, evaluate, incident, rule
from liptako.alerts.cap.validate import NS, problems
from liptako.alerts.models import Alert
from liptako.audit.models import AuditEntry

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def _alerts(session: Session) -> tuple[int, int]:
    """A CLEAR alert in Mali and one built on a RED Niger incident."""
    rule(session, "events", threshold=1)
    incident(session, "MLI", tlp="CLEAR")
    incident(session, "NER", tlp="RED")
    evaluate(session)
    found = {a.area_code: a.id for a in session.scalars(select(Alert))}
    return found[UNITS["MLI"]], found[UNITS["NER"]]


def test_the_secretariat_manages_rules(client: TestClient, auth, session: Session) -> None:  # type: ignore[no-untyped-def]
    body = {"name": "Fatalities in Sahel", "kind": "fatalities", "threshold": 20, "days": 7,
            "area": UNITS["BFA"]}
    assert client.post("/api/v1/alert-rules", json=body,
                       headers=auth("amadou_mli_liaison")).status_code == 403
    made = client.post("/api/v1/alert-rules", json=body, headers=auth("sec"))
    assert made.status_code == 201, made.text
    rule_ = made.json()
    assert rule_["params"] == {"days": 7, "threshold": 20, "area": UNITS["BFA"]}
    assert (rule_["severity"], rule_["urgency"], rule_["certainty"]) == \
        ("Severe", "Expected", "Observed")
    off = client.patch(f"/api/v1/alert-rules/{rule_['id']}", json={"active": False,
                                                                     "threshold": 30},
                       headers=auth("sec"))
    assert off.status_code == 200 and off.json()["active"] is False
    assert off.json()["params"]["threshold"] == 30
    bad = client.post("/api/v1/alert-rules", json={**body, "area": "MLI-nowhere"},
                      headers=auth("sec"))
    assert bad.status_code == 422 and "area" in bad.text
    ahead = client.post("/api/v1/alert-rules", json={"name": "Deadly months ahead",
                                                      "kind": "forecast", "threshold": 50},
                        headers=auth("sec"))
    assert ahead.status_code == 201, ahead.text
    assert ahead.json()["params"] == {"days": 31, "months": 3, "threshold": 50}
    assert ahead.json()["urgency"] == "Future"
    for wrong in ({"probability": 0.5}, {"area": UNITS["BFA"]}, {"months": 7}):
        refused = client.post("/api/v1/alert-rules", json={"name": "Ahead", "kind": "forecast",
                                                           "threshold": 50, **wrong},
                              headers=auth("sec"))
        assert refused.status_code == 422 and next(iter(wrong)) in refused.text, wrong
    cluster = {"name": "New hotspots", "kind": "cluster"}
    hot = client.post("/api/v1/alert-rules", json=cluster, headers=auth("sec"))
    assert hot.status_code == 201, hot.text
    assert hot.json()["params"] == {"days": 31, "p_value": 0.05}
    assert hot.json()["certainty"] == "Likely"
    for wrong in ({"threshold": 3}, {"area": UNITS["BFA"]}, {"p_value": 0.5}):
        refused = client.post("/api/v1/alert-rules", json={**cluster, **wrong},
                              headers=auth("sec"))
        assert refused.status_code == 422 and next(iter(wrong)) in refused.text, wrong
    assert client.post("/api/v1/alert-rules", json={**body, "p_value": 0.01},
                       headers=auth("sec")).status_code == 422
    stricter = client.patch(f"/api/v1/alert-rules/{hot.json()['id']}",
                            json={"p_value": 0.01}, headers=auth("sec"))
    assert stricter.status_code == 200 and stricter.json()["params"]["p_value"] == 0.01
    foreign = client.patch(f"/api/v1/alert-rules/{hot.json()['id']}", json={"threshold": 3},
                           headers=auth("sec"))
    assert foreign.status_code == 422 and "threshold" in foreign.text
    listed = client.get("/api/v1/alert-rules", headers=auth("ner_analyst")).json()
    # active first
    assert [r["id"] for r in listed] == [ahead.json()["id"], hot.json()["id"], rule_["id"]]
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "alert_rule")).all()
    assert list(actions) == ["alert_rule.create", "alert_rule.update", "alert_rule.create",
                             "alert_rule.create", "alert_rule.update"]


def test_alerts_reach_only_who_may_see_every_incident(client: TestClient, auth,  # type: ignore[no-untyped-def]
                                                      session: Session) -> None:
    mali, niger = _alerts(session)
    for name, visible in (("amadou_mli_liaison", {mali}), ("moussa_ner_liaison", {mali, niger}),
                          ("sec", {mali})):
        got = client.get("/api/v1/alerts", headers=auth(name))
        assert {a["id"] for a in got.json()} == visible, name
        hidden = client.get(f"/api/v1/alerts/{niger}.cap", headers=auth(name))
        assert hidden.status_code == (200 if niger in visible else 404)
        assert client.get(f"/api/v1/alerts/{niger}", headers=auth(name)).status_code == \
            (200 if niger in visible else 404)
    cap = client.get(f"/api/v1/alerts/{niger}.cap", headers=auth("moussa_ner_liaison"))
    assert cap.headers["content-type"].startswith("application/cap+xml")
    assert problems(cap.content) == []
    root = etree.fromstring(cap.content)
    assert root.findtext("cap:scope", namespaces=NS) == "Restricted"
    assert root.findtext("cap:addresses", namespaces=NS) == "NER"
    assert client.get(f"/api/v1/alerts/{mali}.cap").status_code == 401


def test_the_atom_feed_lists_current_visible_alerts(client: TestClient, auth,  # type: ignore[no-untyped-def]
                                                   session: Session) -> None:
    mali, _niger = _alerts(session)
    got = client.get("/api/v1/alerts.atom?lang=en", headers=auth("amadou_mli_liaison"))
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/atom+xml")
    feed = etree.fromstring(got.content)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    # RFC 4287 4.1.1: one id, title and updated; an author; each entry an id, title,
    # updated and a link (no content: an alternate link)
    for name in ("id", "title", "updated", "author/a:name"):
        assert len(feed.findall(f"a:{name}", ATOM)) == 1, name
    assert feed.find("a:link[@rel='self']", ATOM) is not None
    entries = feed.findall("a:entry", ATOM)
    assert len(entries) == 1
    (entry,) = entries
    for name in ("id", "title", "updated"):
        assert len(entry.findall(f"a:{name}", ATOM)) == 1, name
    link = entry.find("a:link[@rel='alternate']", ATOM)
    assert link is not None and link.get("type") == "application/cap+xml"
    assert link.get("href", "").endswith(f"/api/v1/alerts/{mali}.cap")
    assert entry.findtext("a:updated", namespaces=ATOM).endswith("Z")
    assert "Mopti" in entry.findtext("a:title", namespaces=ATOM)
    french = client.get("/api/v1/alerts.atom", headers=auth("moussa_ner_liaison"))
    assert len(etree.fromstring(french.content).findall("a:entry", ATOM)) == 2
    assert "événement" in french.text  # the cast's accounts read French


def test_each_state_acknowledges_once_per_message(client: TestClient, auth,  # type: ignore[no-untyped-def]
                                                  session: Session) -> None:
    mali, _niger = _alerts(session)
    path = f"/api/v1/alerts/{mali}/acknowledgements"
    assert client.post(path, json={}, headers=auth("sec")).status_code == 403
    assert client.post(path, json={}, headers=auth("mli_observer")).status_code == 403
    made = client.post(path, json={"note": "units informed"}, headers=auth("awa_mli_analyst"))
    assert made.status_code == 201, made.text
    assert client.post(path, json={}, headers=auth("amadou_mli_liaison")).status_code == 409
    assert client.post(path, json={}, headers=auth("bfa_analyst")).status_code == 201
    board = {a["state"]: a for a in client.get(f"/api/v1/alerts/{mali}",
                                               headers=auth("sec")).json()["acknowledgements"]}
    assert board["MLI"]["acknowledged_by"] == "awa_mli_analyst"
    assert board["MLI"]["note"] == "units informed"
    assert board["BFA"]["acknowledged_at"] is not None
    assert board["NER"]["acknowledged_at"] is None and board["NER"]["addressed"] is True


def test_administrators_manage_their_states_subscriptions(client: TestClient, auth,  # type: ignore[no-untyped-def]
                                                          session: Session) -> None:
    from factories.auth import seed_state_admins

    seed_state_admins(session)
    hook = {"channel": "webhook", "target": "https://ops.ner.example/cap", "language": "fr"}
    made = client.post("/api/v1/alert-subscriptions", json=hook, headers=auth("ner_admin"))
    assert made.status_code == 201, made.text
    assert made.json()["state"] == "NER" and len(made.json()["secret"]) >= 32
    assert client.post("/api/v1/alert-subscriptions", json={**hook, "state": "MLI"},
                       headers=auth("ner_admin")).status_code == 403
    mail = {"channel": "email", "target": "a@mli.example, b@mli.example", "state": "MLI"}
    by_sec = client.post("/api/v1/alert-subscriptions", json=mail, headers=auth("admin"))
    assert by_sec.status_code == 201 and by_sec.json()["secret"] is None
    assert client.post("/api/v1/alert-subscriptions", json={**mail, "target": "nope"},
                       headers=auth("admin")).status_code == 422
    assert [s["state"] for s in client.get("/api/v1/alert-subscriptions",
                                           headers=auth("ner_admin")).json()] == ["NER"]
    assert "secret" not in client.get("/api/v1/alert-subscriptions",
                                      headers=auth("admin")).json()[0]
    other = f"/api/v1/alert-subscriptions/{by_sec.json()['id']}/disable"
    assert client.post(other, headers=auth("ner_admin")).status_code == 404
    assert client.post(other, headers=auth("mli_admin")).json()["active"] is False
    assert client.post(other, headers=auth("mli_admin")).status_code == 409
