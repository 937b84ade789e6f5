"""`liptako forecast backtest`: the issue's JSON object on stdout, a table and a one-line
summary on the terminal, and clear refusals of what it cannot run."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text
from typer.testing import CliRunner

from factories.incidents import NOW, event
from factories.warning import SEED, unit_point
from liptako.cli.main import app
from liptako.core.db import make_engine, make_session_factory, transaction
from liptako.obligations.recording import record_batch

runner = CliRunner()
QUICK = ["--samples", "50", "--seed", "4"]


def seed_events(url: str) -> None:
    """Two years of monthly battles in two units, more deaths in the second year."""
    records = []
    for year in (2018, 2019):
        for month in range(1, 13):
            for code in ("MLI-2688", "NER-796"):
                lat, lon = unit_point(code)
                k = len(records)
                records.append(event(k, source_id=f"CLI{k:05d}", iso3=code[:3], lat=lat,
                                     lon=lon, occurred_on=dt.date(year, month, 12),
                                     fatalities=(year - 2017) * (1 + month % 4)))
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        record_batch(session, records, actor=SEED, now=NOW, pact_ids=())
    engine.dispose()


def test_the_backtest_refuses_bad_input_then_prints_the_issues_json_and_a_table(
        fresh_database_url: str) -> None:
    env = {"LIPTAKO_DATABASE_URL": fresh_database_url}
    for args, message in (
            (["--origins", "2019-07"], "--origins: expected two months as YYYY-MM:YYYY-MM, "
                                       "got '2019-07'"),
            (["--origins", "2019-7:2020-01"], "--origins: expected two months as "
                                              "YYYY-MM:YYYY-MM"),
            (["--origins", "2020-01:2019-07"], "--origins: expected the second month on or "
                                               "after the first"),
            (["--origins", "2019-07:2020-01", "--horizons", "0-6"],
             "--horizons: expected months ahead from 1 to 6 as N or N-M (1-6), got '0-6'"),
            (["--origins", "2019-07:2020-01", "--horizons", "1-7"], "--horizons: expected"),
            (["--origins", "2019-07:2020-01", "--horizons", "six"], "--horizons: expected"),
            (["--origins", "2019-07:2020-01"], "events: expected stored events to forecast "
                                               "from, got none")):
        result = runner.invoke(app, ["forecast", "backtest", *args], env=env)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)

    seed_events(fresh_database_url)
    asked = runner.invoke(app, ["forecast", "backtest", "--origins", "2019-09:2019-12",
                                "--horizons", "1-3", *QUICK, "--format", "json"], env=env)
    assert asked.exit_code == 0, asked.output
    found = json.loads(asked.stdout)
    assert {k: found[k] for k in ("unit", "target", "origins", "horizons")} == {
        "unit": "adm1", "target": "log1p_fatalities",
        "origins": ["2019-09", "2019-10", "2019-11", "2019-12"], "horizons": [1, 2, 3]}
    assert {name: v["kind"] for name, v in found["models"].items()} == {
        "zero": "baseline", "last_value": "baseline", "mean_12m": "baseline",
        "conflictology_12m": "baseline", "quantile_forest": "learned"}
    forest = found["models"]["quantile_forest"]
    assert list(forest["crps_by_horizon"]) == ["1", "2", "3"]
    assert forest["crps"] > 0 and 0 <= forest["brier_25"] <= 1 and 0 <= forest["coverage_80"] <= 1
    best = min(v["crps"] for v in found["models"].values() if v["kind"] == "baseline")
    assert forest["crps_ratio_to_best_baseline"] == forest["crps"] / best
    # the events end in December 2019: from 2019-09, three horizons, ..., from 2019-12 none
    assert found["scored_pairs"] == {"1": 3, "2": 2, "3": 1}
    assert [s["origin"] for s in found["skipped"]] == ["2019-10", "2019-11", "2019-12"]
    assert asked.stdout.count("\n") == 1  # one JSON object on stdout, the summary on stderr
    assert "6 of 12 origin-horizon pairs scored, 6 skipped (target month after 2019-12" \
        in asked.stderr

    table = runner.invoke(app, ["forecast", "backtest", "--origins", "2019-09:2019-10",
                                "--horizons", "2", *QUICK, "--target", "events"],
                          env={**env, "COLUMNS": "80"})
    assert table.exit_code == 0, table.output
    assert "log1p_events per adm1 unit and month, origins 2019-09..2019-10" in table.stdout
    assert "conflictology_12m" in table.stdout and "quantile_forest" in table.stdout
    assert max(len(line) for line in table.stdout.splitlines()[:-1]) <= 80
    line = table.stdout.strip().splitlines()[-1]
    # one event a month in each unit: last_value is exact, and no ratio can be taken to 0
    assert line.startswith("forecast backtest: 2 origins (2019-09..2019-10) x 1 horizons over "
                           "62 units, 48 events (2018-01..2019-12): 2 of 2 origin-horizon "
                           "pairs scored; quantile_forest CRPS "), line
    assert line.endswith("s") and "(last_value's CRPS is 0: no ratio)" in line, line


def test_forecast_run_stores_the_months_ahead_and_says_so_in_one_line(
        fresh_database_url: str) -> None:
    env = {"LIPTAKO_DATABASE_URL": fresh_database_url}
    empty = runner.invoke(app, ["forecast", "run", *QUICK], env=env)
    assert empty.exit_code == 2 and "events: expected stored events" in empty.output
    refused = runner.invoke(app, ["forecast", "run", "--months", "7"], env=env)
    assert refused.exit_code == 2
    seed_events(fresh_database_url)
    done = runner.invoke(app, ["forecast", "run", "--months", "2", *QUICK], env=env)
    assert done.exit_code == 0, done.output
    line = done.output.strip().splitlines()[-1]
    assert line.startswith("forecast 1: 62 units x 2 months after 2019-12 (the month of the "
                           "newest event); expected fatalities next month ")
    assert "most at risk of 25 or more: " in line
    engine = make_engine(fresh_database_url)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from forecast_value")).scalar() == 124
        assert conn.execute(text("select action from audit_entry order by seq desc limit 1")
                            ).scalar() == "forecast.run"
    engine.dispose()
