import json

from typer.testing import CliRunner

from helpers.data import ACLED_DYADIC, ACLED_MONADIC, event_ids
from liptako.cli.main import app

runner = CliRunner()


def test_actor_coverage_meets_the_target_on_both_layouts() -> None:
    for path in (ACLED_DYADIC, ACLED_MONADIC):
        result = runner.invoke(app, ["actors", "coverage", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        figures = json.loads(result.output)
        assert figures["events"] == len(event_ids(path))
        assert figures["share"] >= 0.95


def test_resolve_names_in_three_languages() -> None:
    for name in ("GSIM", "Groupe de soutien à l'islam et aux musulmans",
                 "جماعة نصرة الإسلام والمسلمين"):
        result = runner.invoke(app, ["actors", "resolve", name])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("jnim:")
    assert runner.invoke(app, ["actors", "resolve", "Nobody At All"]).exit_code == 1
