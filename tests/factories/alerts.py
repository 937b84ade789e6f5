"""Alerts: incidents in one admin-1 unit on given days, rules, an evaluation at a fixed day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from factories.incidents import POINTS, report
from liptako.alerts import evaluate as evaluation
from liptako.alerts.models import AlertRule
from liptako.audit.service import Actor
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentIn
from liptako.obligations.recording import record_report

NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
ISSUER = evaluation.Issuer.of("https://liptako.example.org")
# the admin-1 units of factories.incidents.POINTS
UNITS = {"BFA": "BFA-R-SAHEL", "MLI": "MLI-2809", "NER": "NER-4859"}


def incident(session: Session, state: str = "BFA", *, days_ago: int = 1, fatalities: int = 5,
             tlp: str = "CLEAR", audience: list[str] | None = None, exercise: bool = False,
             pacts: tuple[str, ...] = (), **overrides: Any) -> Incident:
    """A national report of ``state`` on its own territory, ``days_ago`` days before NOW."""
    lat, lon = POINTS[state]
    payload = IncidentIn.model_validate(report(
        occurred_on=(NOW.date() - dt.timedelta(days=days_ago)).isoformat(),
        location={"lat": lat, "lon": lon}, fatalities=fatalities, tlp=tlp,
        audience=audience or [], target={"kind": "state_forces", "party": state},
        **overrides))
    made = record_report(session, payload, actor=Actor(None, "seed", state), state=state,
                         pact_ids=pacts, now=NOW)
    made.exercise = exercise
    session.flush()
    return made


def rule(session: Session, kind: str = "fatalities", *, threshold: int | None = 10,
         days: int = 7, area: str | None = None, active: bool = True,
         articles: list[str] | None = None) -> AlertRule:
    params: dict[str, Any] = {"days": days}
    if kind == "charter":
        params.update(articles=articles or ["6", "7"], pact_id="aes-2023")
    else:
        params.update(threshold=threshold, area=area)
    made = AlertRule(name=f"{kind} test rule", kind=kind, params=params, severity="Severe",
                     urgency="Expected", certainty="Observed", active=active, created_at=NOW,
                     updated_at=NOW)
    session.add(made)
    session.flush()
    return made


def evaluate(session: Session, *, now: dt.datetime = NOW) -> evaluation.Report:
    report_ = evaluation.evaluate(session, now=now, issuer=ISSUER)
    session.flush()
    return report_


def seed_matrix(session: Session) -> dict[str, int]:
    """For the authorisation matrix, after factories.incidents.seed_markings: a rule, an alert
    every caller may see (Mali's first CLEAR reports) and Niger webhook subscriptions."""
    from liptako.alerts.models import Subscription

    watched = rule(session, "events", threshold=1, days=3)
    rule(session, "fatalities", threshold=1, days=3)  # a second alert, for the pages' rows
    report_ = evaluation.evaluate(session, now=dt.datetime(2024, 1, 3, 12, tzinfo=dt.UTC),
                                  issuer=ISSUER)
    subs = [Subscription(state="NER", channel="webhook", target="https://alerts.niger.example/cap",
                         secret="s", language="fr", active=True, created_at=NOW)
            for _ in range(2)]  # one for the API's rows, one for the pages'
    session.add_all(subs)
    session.flush()
    return {"rule": watched.id, "alert": report_.raised[0], "page_alert": report_.raised[1],
            "subscription": subs[0].id, "page_subscription": subs[1].id}
