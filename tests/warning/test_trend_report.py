"""Trend evidence from the stored events: the areas, the exercise left out, releasability,
and `liptako warning trends` in words and in JSON."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from factories.incidents import event, report
from liptako.audit.service import Actor
from liptako.auth.releasability import Viewer
from liptako.cli.main import app
from liptako.core.db import make_engine, make_session_factory, transaction
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentIn
from liptako.obligations.recording import record_batch, record_report
from liptako.warning.trends import parse_period, trend_report

NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
H1, H2 = parse_period("2019-01:2019-06"), parse_period("2019-07:2019-12")


def _seed(session: Session) -> None:
    """Mopti (MLI): 20 battles in the first half of 2019, 90 in the second; a Burkina Faso
    report marked RED in the second half, and an exercise report there too."""
    days = [dt.date(2019, 1, 3) + dt.timedelta(days=9 * i) for i in range(20)]
    days += [dt.date(2019, 7, 1) + dt.timedelta(days=2 * i) for i in range(90)]
    records = [event(3 * k, occurred_on=day, source_id=f"MLI{k:06d}", fatalities=k % 3)
               for k, day in enumerate(days)]
    record_batch(session, records, actor=Actor(None, "seed", None), now=NOW, pact_ids=())
    for tlp, exercise in (("RED", False), ("GREEN", True)):
        made = record_report(session, IncidentIn.model_validate(report(
            occurred_on="2019-08-01", tlp=tlp, audience=[])), actor=Actor(None, "seed", "BFA"),
            state="BFA", pact_ids=(), now=NOW)
        made.exercise = exercise
    session.flush()


def test_each_area_is_compared_without_the_exercise_and_as_the_viewer_may_see(
        session: Session) -> None:
    _seed(session)
    everything = trend_report(session, None, level="adm1", before=H1, after=H2)
    assert len(everything.names) == 62  # every shipped admin-1 unit, with or without events
    found = {(c.area, c.measure): c for c in everything.changes}
    mopti_code = next(code for code, (name, _) in everything.names.items()
                      if name == "Mopti (MLI)")
    mopti = found[(mopti_code, "events")]
    assert (mopti.before, mopti.after, mopti.verdict) == (20, 90, "rose")
    assert found[(mopti_code, "events:battle")].after == 90
    # Burkina Faso's units are its provinces: the RED report lies in Soum
    assert everything.names["BFA-2806"][0] == "Soum (BFA)"
    assert found[("BFA-2806", "events")].after == 1
    burkina = trend_report(session, None, level="country", before=H1, after=H2)
    bfa = {c.measure: c for c in burkina.changes if c.area == "BFA"}
    assert bfa["events"].after == 1  # the RED report; the exercise one never counts
    niger = trend_report(session, Viewer(None, "NER", ("analyst",)), level="country",
                         before=H1, after=H2)
    assert {c.measure: c.after for c in niger.changes if c.area == "BFA"}["events"] == 0


def test_the_command_says_it_in_words_and_in_json(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    with transaction(make_session_factory(engine)) as session:
        _seed(session)
        assert session.query(Incident).count() == 112
    engine.dispose()
    env = {"LIPTAKO_DATABASE_URL": fresh_database_url}
    runner = CliRunner()
    args = ["warning", "trends", "--area", "adm1", "--from", "2019-01:2019-06",
            "--to", "2019-07:2019-12"]
    text = runner.invoke(app, [*args, "--lang", "fr"], env=env)
    assert text.exit_code == 0, text.output
    assert "Hausse significative de la violence" in text.output
    assert "Mopti (MLI) : événements, en hausse significative, 20 → 90" in text.output
    assert text.output.strip().splitlines()[-1].startswith("trends: 62 areas")
    as_json = runner.invoke(app, [*args, "--format", "json"], env=env)
    body = json.loads(as_json.output)
    assert body["area"] == "adm1" and body["from"] == "2019-01-01:2019-06-30"
    mopti = next(c for c in body["changes"] if c["name"] == "Mopti (MLI)"
                 and c["measure"] == "events")
    assert mopti["verdict"] == "rose" and mopti["sentence"].startswith(
        "Mopti (MLI): events rose significantly, 20 → 90")
    bad = runner.invoke(app, ["warning", "trends", "--from", "2019-13", "--to", "2020"], env=env)
    assert bad.exit_code == 2 and "--from: expected YYYY, YYYY-MM or YYYY-MM-DD" in bad.output
    overlap = runner.invoke(app, ["warning", "trends", "--from", "2019", "--to", "2019-06"],
                            env=env)
    assert overlap.exit_code == 2 and "to end before the second" in overlap.output
