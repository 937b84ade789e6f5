"""`liptako warning scan`: the scan over the stored events, from the command line, with its
one-line summary; what it stores; what it refuses."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from factories.auth import seed_cast
from factories.warning import planted_cluster
from liptako.cli.main import app
from liptako.core.db import make_engine, make_session_factory, transaction
from liptako.warning.models import ScanRun

runner = CliRunner()
QUICK = ["--replications", "19", "--gi-permutations", "19", "--seed", "5"]


def test_the_scan_refuses_what_it_cannot_run_then_runs_stores_and_says_what_it_found(
        fresh_database_url: str) -> None:
    env = {"LIPTAKO_DATABASE_URL": fresh_database_url}
    for args, message in (
            (["--from", "2019-12", "--to", "2019-01"], "expected --to (2019-01) on or after"),
            (["--from", "2019-1", "--to", "2019-06"], "--from: expected a month as YYYY-MM"),
            (["--to", "2019-06", "--as", "nobody"], "username: no account 'nobody'"),
            (["--to", "2019-06"], "expected at least one battle, explosion_remote_violence, "
                                  "violence_against_civilians event in 2017-07-01:2019-06-30"),
            ([], "--to: no event to scan")):
        result = runner.invoke(app, ["warning", "scan", *args], env=env)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)

    engine = make_engine(fresh_database_url)
    with transaction(make_session_factory(engine)) as session:
        pair = planted_cluster(session)
        seed_cast(session)
    asked = runner.invoke(app, ["warning", "scan", "--from", "2019-01", "--to", "2019-12",
                                *QUICK, "--as", "awa_mli_analyst"], env=env)
    assert asked.exit_code == 0, asked.output
    line = asked.output.strip().splitlines()[-1]
    assert line.startswith("scan 1: 204 events in 62 areas x 12 months (2019-01-01..2019-12-31)"
                           ", 19 replications: "), line
    assert "(most likely: 2 unit(s) 2019-10-01..2019-12-31, 66 events against 39.5 expected, " \
        "p 0.05)" in line and line.endswith("s") and "shown to every user" in line
    # by default the two years up to the latest event; for one state's users
    default = runner.invoke(app, ["warning", "scan", *QUICK, "--unit", "week", "--for", "MLI"],
                            env=env)
    assert default.exit_code == 0, default.output
    assert "x 105 weeks (2018-01-01..2019-12-31)" in default.output
    assert "shown to MLI only" in default.output
    with transaction(make_session_factory(engine)) as session:
        runs = session.scalars(select(ScanRun).order_by(ScanRun.id)).all()
        assert [(r.ran_by_name, r.originator, r.time_unit) for r in runs] == [
            ("awa_mli_analyst", "SEC", "month"), ("system", "MLI", "week")]
        assert set(runs[0].clusters[0].units) == set(pair)
    engine.dispose()
