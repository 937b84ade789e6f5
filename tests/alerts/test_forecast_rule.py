"""A rule on the stored forecast: each unit and month to come whose forecast reaches the
rule raises one alert over the unit (never more open than the forecast's marking), updated
by a newer forecast with other figures, ended once its month is over; a forecast for one
state raises nothing."""

from __future__ import annotations

import datetime as dt

from lxml import etree
from sqlalchemy.orm import Session

from factories.alerts import ISSUER
from liptako.alerts import evaluate as evaluation
from liptako.alerts.cap.validate import NS, problems
from liptako.alerts.evaluate import sentences
from liptako.alerts.models import Alert, AlertRule
from liptako.audit.service import Actor
from liptako.warning.forecast import run_forecast
from liptako.warning.schemas import ForecastParameters
from warning.test_forecast import TIMBUKTU, record

MADE = dt.datetime(2020, 1, 3, 6, 0, tzinfo=dt.UTC)
JANUARY = dt.datetime(2020, 1, 5, 8, 0, tzinfo=dt.UTC)
ANALYST = Actor(None, "awa", "SEC")


def _history(session: Session) -> None:
    """Timbuktu: 30 deaths in battle every month of 2018 and 2019 (the only unit with events:
    the forest, pooling it with quiet units in its leaves, expects about 10 next month)."""
    record(session, [(TIMBUKTU, dt.date(2018 + k // 12, k % 12 + 1, 10), "battle", 30)
                     for k in range(24)])


def _forecast(session: Session, seed: int = 5, for_state: str | None = None) -> None:
    run_forecast(session, ForecastParameters(months=3, samples=200, seed=seed,
                                             for_state=for_state), actor=ANALYST, now=MADE)


def _rule(session: Session, **params: object) -> AlertRule:
    made = AlertRule(name="Forecast", kind="forecast", params={"days": 31, "months": 2,
                                                                **params},
                     severity="Severe", urgency="Future", certainty="Possible", active=True,
                     created_at=MADE, updated_at=MADE)
    session.add(made)
    session.flush()
    return made


def _evaluate(session: Session, now: dt.datetime = JANUARY) -> evaluation.Report:
    done = evaluation.evaluate(session, now=now, issuer=ISSUER)
    session.flush()
    return done


def test_a_forecast_above_the_threshold_raises_an_alert_per_unit_and_month(
        session: Session) -> None:
    _history(session)
    _forecast(session)
    _rule(session, threshold=5)
    raised = _evaluate(session).raised
    alerts = [session.get(Alert, i) for i in raised]
    assert sorted((a.units[0], a.detail["month"]) for a in alerts if a and a.units) == \
        [(TIMBUKTU, "2020-01"), (TIMBUKTU, "2020-02")]  # months 1 and 2 of 3; Timbuktu alone
    alert = alerts[0]
    assert alert is not None and alert.area_code is None and alert.iso3 == "MLI"
    # the unit's twelve months up to the origin are the incidents behind it
    assert alert.events == 12 and alert.fatalities == 360
    # CLEAR incidents, a GREEN forecast: the alert is GREEN, not for public channels
    assert alert.tlp == "GREEN"
    cap = alert.messages[0].cap_xml
    assert problems(cap) == [], cap
    root = etree.fromstring(cap.encode())
    assert root.findtext("cap:scope", namespaces=NS) == "Restricted"
    params = {p.findtext("cap:valueName", namespaces=NS): p.findtext("cap:value", namespaces=NS)
              for p in root.iterfind("cap:info[1]/cap:parameter", NS)}
    assert params["forecast-month"] in ("2020-01", "2020-02")
    assert root.findall("cap:info[1]/cap:area/cap:polygon", NS)
    english, french = sentences(alert, "en"), sentences(alert, "fr")
    assert "fatalities forecast for 2020-0" in english[0] and "prévues en 2020-0" in french[0]
    assert "a forecast, not an observation" in english[1]
    # a February evaluation: January is over, its alert ends; February's stays
    february = _evaluate(session, now=dt.datetime(2020, 2, 10, tzinfo=dt.UTC))
    ended = [session.get(Alert, i) for i in february.ended]
    assert [a.detail["month"] for a in ended if a and a.detail] == ["2020-01"]
    assert february.raised == []


def test_a_probability_rule_a_newer_forecast_and_a_states_forecast(session: Session) -> None:
    _history(session)
    _forecast(session, for_state="MLI")  # Mali's own: raises nothing
    _rule(session, probability=0.3, months=1)
    assert _evaluate(session).raised == []
    _forecast(session)
    (raised,) = _evaluate(session).raised
    assert _evaluate(session).updated == []
    _forecast(session, seed=6)  # other draws, other figures: an Update
    assert _evaluate(session).updated == [raised]
    alert = session.get(Alert, raised)
    assert alert is not None and [m.msg_type for m in alert.messages] == ["Alert", "Update"]
    assert "A newer forecast has changed the figures." in sentences(alert, "en")[1]
