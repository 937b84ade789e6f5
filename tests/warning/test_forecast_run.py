"""`run_forecast`: the months after the newest counted event, forecast per unit and stored
with the run, audited, as releasable as what it counted; the API's forecast layer."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.warning import national_report
from liptako.audit.models import AuditEntry
from liptako.audit.service import Actor
from liptako.auth.releasability import Viewer
from liptako.warning.forecast import run_forecast
from liptako.warning.queries import latest_forecast
from liptako.warning.schemas import ForecastParameters
from warning.test_forecast import SOUM, TIMBUKTU, record

NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
ANALYST = Actor(None, "awa", "MLI")
QUIET = "NER-92"  # never an event


def _two_years(session: Session) -> None:
    """Timbuktu: a battle with 30 deaths every month of 2018 and 2019; Soum: one death a month."""
    months = [dt.date(2018 + k // 12, k % 12 + 1, 10) for k in range(24)]
    record(session, [(TIMBUKTU, day, "battle", 30) for day in months] +
           [(SOUM, day, "battle", 1) for day in months])


def test_the_months_after_the_newest_event_are_forecast_stored_and_audited(
        session: Session) -> None:
    _two_years(session)
    run = run_forecast(session, ForecastParameters(months=3, samples=300, seed=5),
                       actor=ANALYST, now=NOW)
    assert (run.origin, run.data_from, run.months) == (dt.date(2019, 12, 1),
                                                       dt.date(2018, 1, 1), 3)
    assert (run.tlp, run.originator, run.events, run.threshold) == ("GREEN", "SEC", 48, 25)
    assert len(run.values) == 62 * 3
    by = {(v.unit, v.ahead): v for v in run.values}
    assert by[(TIMBUKTU, 1)].month == dt.date(2020, 1, 1) and by[(TIMBUKTU, 3)].month == \
        dt.date(2020, 3, 1)
    deadly, soum, quiet = by[(TIMBUKTU, 1)], by[(SOUM, 1)], by[(QUIET, 1)]
    assert 20 <= deadly.expected <= 31 and deadly.p_exceed > 0.5
    assert deadly.low <= deadly.median <= deadly.high
    # the forest pools few active units in its leaves: Soum's forecast leans on Timbuktu's
    # months, yet stays below them
    assert soum.expected < deadly.expected and soum.p_exceed < deadly.p_exceed
    assert quiet.expected < 0.1 and quiet.median == quiet.high == 0
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "forecast.run")).one()
    assert entry.target_id == str(run.id) and entry.detail["summary"]["riskiest_unit"] == TIMBUKTU
    # the same seed, the same forecasts
    again = run_forecast(session, ForecastParameters(months=3, samples=300, seed=5),
                         actor=ANALYST, now=NOW)
    assert [(v.unit, v.expected, v.high) for v in again.values] == \
        [(v.unit, v.expected, v.high) for v in run.values]


def test_a_forecast_for_one_state_counts_what_its_users_see_and_only_they_see_it(
        session: Session) -> None:
    _two_years(session)
    national_report(session, SOUM, dt.date(2020, 2, 3), tlp="AMBER", state="BFA")
    everyone = run_forecast(session, ForecastParameters(months=1, samples=100),
                            actor=ANALYST, now=NOW)
    burkina = run_forecast(session, ForecastParameters(months=1, samples=100, for_state="BFA"),
                           actor=Actor(None, "bfa", "BFA"), now=NOW)
    # Burkina's AMBER report moves its forecast on to February 2020; every user's stays
    assert everyone.origin == dt.date(2019, 12, 1) and burkina.origin == dt.date(2020, 2, 1)
    assert (burkina.tlp, burkina.originator) == ("AMBER+STRICT", "BFA")
    seen = {state: latest_forecast(session, Viewer(None, state, ("analyst",)))
            for state in ("BFA", "MLI")}
    assert seen["BFA"] is burkina and seen["MLI"] is everyone
    assert latest_forecast(session, None) is everyone  # what alert rules read


def test_the_api_gives_one_month_ahead_as_geojson(client: TestClient, auth,  # type: ignore[no-untyped-def]
                                                  session: Session) -> None:
    empty = client.get("/api/v1/forecasts", headers=auth("ner_analyst"))
    assert empty.status_code == 200 and empty.json()["forecast"] is None
    _two_years(session)
    run_forecast(session, ForecastParameters(months=2, samples=200), actor=ANALYST, now=NOW)
    got = client.get("/api/v1/forecasts", params={"ahead": 2, "lang": "fr"},
                     headers=auth("ner_analyst"))
    assert got.status_code == 200
    body = got.json()
    assert body["forecast"]["origin"] == "2019-12" and body["forecast"]["ahead"] == 2
    assert len(body["features"]) == 62
    timbuktu = next(f for f in body["features"] if f["properties"]["code"] == TIMBUKTU)
    assert timbuktu["properties"]["month"] == "2020-02" and timbuktu["properties"]["expected"] > 20
    assert timbuktu["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert client.get("/api/v1/forecasts", params={"ahead": 3},
                      headers=auth("ner_analyst")).json()["features"] == []
    assert client.get("/api/v1/forecasts", params={"ahead": 7},
                      headers=auth("ner_analyst")).status_code == 422
    assert client.get("/api/v1/forecasts").status_code == 401
