"""A rule on the hotspot scan: a significant cluster of the latest scan made for every user
raises one alert over the cluster's units (CAP polygons, geocodes, the cluster's figures in
both languages), updated when incidents join it, ended when the scan is too old; a scan for
one state and a cluster above the rule's p-value raise nothing."""

from __future__ import annotations

import datetime as dt

import shapely
from lxml import etree
from shapely.geometry import Polygon
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.alerts import ISSUER
from factories.warning import import_events, planted_cluster
from liptako.alerts import evaluate as evaluation
from liptako.alerts.area import scan_units
from liptako.alerts.cap.validate import NS, problems
from liptako.alerts.evaluate import sentences
from liptako.alerts.models import Alert, AlertRule
from liptako.audit.service import Actor
from liptako.warning.schemas import ScanParameters
from liptako.warning.service import run_scan

SCANNED_AT = dt.datetime(2020, 1, 5, 6, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2020, 1, 10, 8, 0, tzinfo=dt.UTC)  # 10 days after the study period
ANALYST = Actor(None, "awa", "SEC")


def _scan(session: Session, **overrides: object) -> None:
    values: dict[str, object] = {"first_month": dt.date(2019, 1, 1),
                                 "last_month": dt.date(2019, 12, 1), "replications": 99,
                                 "gi_permutations": 0, "seed": 7}
    values.update(overrides)
    run_scan(session, ScanParameters(**values), actor=ANALYST,  # type: ignore[arg-type]
             now=SCANNED_AT)


def _rule(session: Session, **params: object) -> AlertRule:
    made = AlertRule(name="New hotspots", kind="cluster",
                     params={"days": 31, "p_value": 0.05, **params}, severity="Severe",
                     urgency="Expected", certainty="Likely", active=True, created_at=AFTER,
                     updated_at=AFTER)
    session.add(made)
    session.flush()
    return made


def _evaluate(session: Session, now: dt.datetime = AFTER) -> evaluation.Report:
    done = evaluation.evaluate(session, now=now, issuer=ISSUER)
    session.flush()
    return done


def test_a_significant_cluster_raises_an_alert_over_its_units(session: Session) -> None:
    pair = planted_cluster(session)
    _scan(session)
    _rule(session)
    (raised,) = _evaluate(session).raised
    alert = session.get(Alert, raised)
    assert alert is not None and alert.area_code is None
    assert set(alert.units or []) == set(pair) and alert.iso3 == "NER"
    # the planted months: 3 + 10 battles a month in each unit from October to December
    assert alert.events == 66 == len(alert.incidents)
    assert alert.detail is not None and alert.detail["p_value"] == 0.01
    assert (alert.detail["starts_on"], alert.detail["ends_on"]) == ("2019-10-01", "2019-12-31")
    assert alert.certainty == "Likely" and alert.tlp == "CLEAR"
    cap = alert.messages[0].cap_xml
    assert problems(cap) == [], cap
    root = etree.fromstring(cap.encode())
    codes = [g.findtext("cap:value", namespaces=NS)
             for g in root.iterfind("cap:info[1]/cap:area/cap:geocode", NS)]
    assert sorted(codes) == sorted([*pair, "NER"])
    params = {p.findtext("cap:valueName", namespaces=NS): p.findtext("cap:value", namespaces=NS)
              for p in root.iterfind("cap:info[1]/cap:parameter", NS)}
    assert params["cluster-p-value"] == "0.01"
    assert params["cluster-period"] == "2019-10-01/2019-12-31"
    # the polygons cover both units (simplified: most of each)
    rings = [[tuple(map(float, p.split(",")))[::-1] for p in text.split(" ")]
             for text in (e.text for e in root.iterfind("cap:info[1]/cap:area/cap:polygon", NS))]
    area = shapely.union_all([Polygon(r) for r in rings])
    for code in pair:
        shape = scan_units()[code].shape
        assert area.intersection(shape).area > 0.95 * shape.area, code
    english, french = sentences(alert, "en"), sentences(alert, "fr")
    assert "significant cluster of violence, 66 events" in english[0]
    assert "p = 0.010" in english[1] and "p = 0,010" in french[1]
    assert "foyer de violence significatif" in french[0]


def test_the_alert_grows_with_its_incidents_and_ends_when_the_scan_is_old(
        session: Session) -> None:
    pair = planted_cluster(session)
    _scan(session)
    _rule(session)
    (raised,) = _evaluate(session).raised
    again = _evaluate(session)
    assert again.raised == again.updated == again.ended == []
    # an event recorded since the scan, inside the cluster's units and period, joins it
    import_events(session, [(pair[1], dt.date(2019, 12, 20), 1)], first=700)
    assert _evaluate(session).updated == [raised]
    alert = session.get(Alert, raised)
    assert alert is not None and alert.events == 67
    assert [m.msg_type for m in alert.messages] == ["Alert", "Update"]
    assert problems(alert.messages[1].cap_xml) == []
    # a month later no newer scan: the rule's 31 days have passed since the study period
    later = _evaluate(session, now=AFTER + dt.timedelta(days=30))
    assert later.ended == [raised] and alert.status == "ended"


def test_a_scan_for_one_state_or_a_weak_cluster_raises_nothing(session: Session) -> None:
    planted_cluster(session)
    _scan(session, for_state="MLI")
    _rule(session)
    assert _evaluate(session).raised == []
    _scan(session)  # the same events, for every user: p = 0.01 at best with 99 replications
    strict = session.scalars(select(AlertRule)).one()
    strict.params = {"days": 31, "p_value": 0.005}
    assert _evaluate(session).raised == []
    strict.params = {"days": 31, "p_value": 0.05}
    assert len(_evaluate(session).raised) == 1
