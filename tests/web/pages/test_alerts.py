"""The alert pages: the list, one alert with its area, incidents and each state's
acknowledgement (and the button for whoever may still acknowledge), the rules page of the
secretariat and the subscriptions page of administrators, in French and English."""

from __future__ import annotations

import datetime as dt
import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.alerts import ISSUER, evaluate, incident, rule
from factories.auth import seed_state_admins
from factories.warning import planted_cluster
from helpers.web import sign_in
from liptako.alerts.evaluate import evaluate as evaluate_at
from liptako.alerts.models import Alert, AlertRule, Subscription
from liptako.audit.service import Actor
from liptako.auth.models import User
from liptako.warning.schemas import ScanParameters
from liptako.warning.service import run_scan
from liptako.web.pages.common import LOGIN_CSRF_COOKIE  # noqa: F401 - sign_in's cookie
from liptako.web.security import SESSION_COOKIE, read_session_cookie


def _csrf(client: TestClient) -> str:
    data = read_session_cookie(client.app.state.settings,  # type: ignore[attr-defined]
                               client.cookies.get(SESSION_COOKIE) or "")
    assert data is not None
    return str(data["csrf"])


def _alert(session: Session) -> int:
    rule(session, "fatalities", threshold=5)
    incident(session, "NER", fatalities=7)
    (raised,) = evaluate(session).raised
    return raised


def test_an_alert_page_shows_its_area_and_who_has_acknowledged(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    alert_id = _alert(session)
    sign_in(client, "moussa_ner_liaison")
    listed = client.get("/alerts", params={"lang": "fr"})
    assert listed.status_code == 200 and f'href="/alerts/{alert_id}"' in listed.text
    assert "Tillabéri : 7 victimes en 7 jours" in listed.text
    page = client.get(f"/alerts/{alert_id}", params={"lang": "en"})
    assert page.status_code == 200
    area = json.loads(re.search(r'id="alert-area">(.*?)</script>', page.text, re.S)[1])
    assert area["type"] == "MultiPolygon" and len(area["coordinates"][0][0]) >= 4
    assert page.text.count("not yet acknowledged") == 3
    assert "Acknowledge for NER" in page.text
    done = client.post(f"/alerts/{alert_id}/acknowledge", follow_redirects=False,
                       data={"csrf_token": _csrf(client), "note": "reçu, unités alertées"})
    assert done.status_code == 303
    page = client.get(done.headers["location"] + "&lang=fr")
    assert "accusé de réception de votre État est enregistré." in page.text
    assert "moussa_ner_liaison" in page.text and "Accuser réception pour" not in page.text
    again = client.post(f"/alerts/{alert_id}/acknowledge",
                        data={"csrf_token": _csrf(client)})
    assert again.status_code == 409 and "déjà accusé réception" in again.text


def test_the_secretariat_adds_and_switches_off_rules_on_its_page(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    sign_in(client, "sec")
    page = client.get("/alerts/rules", params={"lang": "en"})
    assert page.status_code == 200 and "No rule yet." in page.text
    form = {"csrf_token": _csrf(client), "name": "Sahel fatalities", "kind": "fatalities",
            "threshold": "25", "days": "7", "area": "BFA-R-SAHEL"}
    made = client.post("/alerts/rules", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    (saved,) = session.scalars(select(AlertRule)).all()
    assert saved.params == {"days": 7, "threshold": 25, "area": "BFA-R-SAHEL"}
    bad = client.post("/alerts/rules", data={**form, "threshold": ""})
    assert bad.status_code == 422 and "un seuil pour une règle à seuil" in bad.text
    hot = {"csrf_token": _csrf(client), "name": "New hotspots", "kind": "cluster",
           "days": "", "p_value": "0,01"}
    assert client.post("/alerts/rules", data=hot, follow_redirects=False).status_code == 303
    cluster = session.scalars(select(AlertRule).where(AlertRule.kind == "cluster")).one()
    assert cluster.params == {"days": 31, "p_value": 0.01}
    assert "p ≤ 0.01, scan ended within 31 days" in \
        client.get("/alerts/rules", params={"lang": "en"}).text
    assert "p ≤ 0,01, analyse terminée" in client.get("/alerts/rules", params={"lang": "fr"}).text
    assert client.post("/alerts/rules", data={**hot, "p_value": "0.5"}).status_code == 422
    ahead = {"csrf_token": _csrf(client), "name": "Deadly months ahead", "kind": "forecast",
             "probability": "0,4", "months": "2"}
    assert client.post("/alerts/rules", data=ahead, follow_redirects=False).status_code == 303
    forecast = session.scalars(select(AlertRule).where(AlertRule.kind == "forecast")).one()
    assert forecast.params == {"days": 31, "months": 2, "probability": 0.4}
    assert "P(≥ 25) ≥ 0.4, in one of the next 2 months" in \
        client.get("/alerts/rules", params={"lang": "en"}).text
    both = client.post("/alerts/rules", data={**ahead, "threshold": "30"})
    assert both.status_code == 422 and "pas les deux" in both.text
    off = client.post(f"/alerts/rules/{saved.id}/act", follow_redirects=False,
                      data={"csrf_token": _csrf(client), "action": "disable"})
    assert off.status_code == 303 and saved.active is False
    sign_in(client, "amadou_mli_liaison")
    assert client.get("/alerts/rules").status_code == 403


def test_an_administrator_sees_a_webhook_secret_once(client: TestClient, session: Session,
                                                      cast: dict[str, User]) -> None:
    seed_state_admins(session)
    sign_in(client, "mli_admin")
    form = {"csrf_token": _csrf(client), "channel": "webhook", "state": "MLI",
            "target": "https://ops.mli.example/cap", "language": "fr"}
    made = client.post("/alerts/subscriptions", data=form)
    assert made.status_code == 201
    (sub,) = session.scalars(select(Subscription)).all()
    assert sub.secret and sub.secret in made.text
    assert made.headers["cache-control"] == "no-store"
    listed = client.get("/alerts/subscriptions")
    assert "https://ops.mli.example/cap" in listed.text and sub.secret not in listed.text
    assert client.post("/alerts/subscriptions",
                       data={**form, "target": "ftp://x"}).status_code == 422
    gone = client.post(f"/alerts/subscriptions/{sub.id}/act", follow_redirects=False,
                       data={"csrf_token": _csrf(client), "action": "disable"})
    assert gone.status_code == 303 and sub.active is False
    assert session.scalars(select(Alert)).all() == []


def test_the_secretariats_administrators_see_each_delivery(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    from factories.alerts import NOW

    session.add(Subscription(state="NER", channel="webhook", target="https://alerts.niger.example/cap",
                             secret="s", language="fr", active=True, created_at=NOW))
    alert_id = _alert(session)
    sign_in(client, "admin")
    page = client.get(f"/alerts/{alert_id}", params={"lang": "en"})
    assert 'id="deliveries"' in page.text and "https://alerts.niger.example/cap" in page.text
    assert "waiting to be sent" in page.text
    sign_in(client, "moussa_ner_liaison")
    assert 'id="deliveries"' not in client.get(f"/alerts/{alert_id}").text


def test_a_cluster_alert_page_maps_the_clusters_units(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    planted_cluster(session)
    now = dt.datetime(2020, 1, 10, tzinfo=dt.UTC)
    run_scan(session, ScanParameters(dt.date(2019, 1, 1), dt.date(2019, 12, 1), replications=99,
                                     gi_permutations=0), actor=Actor(None, "sec", "SEC"), now=now)
    session.add(AlertRule(name="New hotspots", kind="cluster", params={"days": 31,
                                                                       "p_value": 0.05},
                          severity="Severe", urgency="Expected", certainty="Likely",
                          active=True, created_at=now, updated_at=now))
    (raised,) = evaluate_at(session, now=now, issuer=ISSUER).raised
    session.flush()
    sign_in(client, "moussa_ner_liaison")
    page = client.get(f"/alerts/{raised}", params={"lang": "en"})
    assert page.status_code == 200 and "New significant space-time cluster" in page.text
    assert "significant cluster of violence, 66 events" in page.text
    area = json.loads(re.search(r'id="alert-area">(.*?)</script>', page.text, re.S)[1])
    assert area["type"] == "MultiPolygon" and area["coordinates"]
