"""`liptako intake`: a text file in, the draft's JSON out; the extractor scored against an
ACLED excerpt; clear refusals (exit 2) of what it cannot read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers.data import ACLED_MONADIC, acled_rows, to_csv
from liptako.cli.main import app

runner = CliRunner()
NENI = ("On July 31, suspected Katiba Macina militants shot dead two members of the Dogon "
        "community near Neni")
FIELDS = ("date", "place", "event_type", "fatalities", "perpetrator", "target")


def _file(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "report.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_extract_prints_the_drafts_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["intake", "extract", "--text-file", str(_file(tmp_path, NENI)),
                                 "--reported-on", "2019-08-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    draft = json.loads(result.stdout)
    assert {"text", "lang", "reported_on", *FIELDS} <= set(draft)
    for field in FIELDS:
        assert {"value", "confidence"} <= set(draft[field])
        assert 0 <= draft[field]["confidence"] <= 1
    assert (draft["text"], draft["lang"], draft["reported_on"]) == (NENI, "en", "2019-08-01")
    assert (draft["date"]["value"], draft["fatalities"]["value"]) == ("2019-07-31", 2)
    assert {"name", "matched", "lat", "lon", "iso3", "admin1_code", "admin1_name"} <= set(
        draft["place"]["value"])
    assert draft["place"]["value"]["matched"] == "Neni"
    assert draft["event_type"]["value"] in draft["event_type"]["probabilities"]
    assert draft["perpetrator"]["value"][0]["id"] == "jnim.macina"


def test_extract_in_french_as_text_defaults_to_todays_date(tmp_path: Path) -> None:
    text = "Hier, des éléments de l'EIGS ont tué quatre civils à Ménaka."
    result = runner.invoke(app, ["intake", "extract", "--text-file", str(_file(tmp_path, text)),
                                 "--lang", "fr", "--format", "json"])
    assert result.exit_code == 0, result.output
    draft = json.loads(result.stdout)
    today = dt.datetime.now(dt.UTC).date()
    # the command may straddle midnight UTC: "hier" is the day before one of the two days
    assert draft["reported_on"] in (today.isoformat(), (today - dt.timedelta(1)).isoformat())
    reported = dt.date.fromisoformat(draft["reported_on"])
    assert draft["date"]["value"] == (reported - dt.timedelta(1)).isoformat()
    assert draft["lang"] == "fr" and draft["fatalities"]["value"] == 4
    text_out = runner.invoke(app, ["intake", "extract", "--text-file",
                                   str(_file(tmp_path, text)), "--reported-on", "2019-08-01"])
    assert text_out.exit_code == 0, text_out.output
    assert "2019-07-31" in text_out.stdout and "Ménaka" in text_out.stdout


@pytest.mark.parametrize(("content", "args", "message"), [
    (None, [], "--text-file: no file at"),
    ("", [], "--text-file: expected a report's text"),
    (" \n\t", [], "--text-file: expected a report's text"),
    (b"Le 3 mars \xe9 Djibo", [], "--text-file: expected UTF-8 text"),
    ("x" * 20_001, [], "--text-file: text: expected at most 20000 characters"),
    (NENI, ["--reported-on", "2019-13-01"], "--reported-on: expected a date as YYYY-MM-DD"),
    (NENI, ["--reported-on", "yesterday"], "--reported-on: expected a date as YYYY-MM-DD"),
    (NENI, ["--lang", "de"], "--lang: expected fr or en, got 'de'"),
])
def test_extract_refuses_bad_input_naming_the_option(
        tmp_path: Path, content: str | bytes | None, args: list[str], message: str) -> None:
    path = tmp_path / "missing.txt" if content is None else _file(tmp_path, content)
    result = runner.invoke(app, ["intake", "extract", "--text-file", str(path), *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""


def test_evaluate_scores_the_rows_after_the_models_training(tmp_path: Path) -> None:
    result = runner.invoke(app, ["intake", "evaluate", str(ACLED_MONADIC), "--format", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["trained_until"] == "2018-12-31"
    # events (a monadic event is one or two rows) dated after it, counted with plain csv
    _header, rows = acled_rows(ACLED_MONADIC)
    dates = {r["event_id_cnty"]: dt.datetime.strptime(r["event_date"], "%d %B %Y").date()
             for r in rows}
    after = sum(d > dt.date(2018, 12, 31) for d in dates.values())
    assert figures["rows"] == after
    assert figures["skipped_before_training_end"] == len(dates) - after
    for key in ("event_type_accuracy", "event_type_macro_f1", "fatalities_exact",
                "place_within_25km", "actor1_found"):
        assert 0 <= figures[key] <= 1, key
    # far above chance: a sign that notes, dates and coded fields were lined up row by row
    assert figures["fatalities_exact"] > 0.6 and figures["event_type_accuracy"] > 0.5
    assert result.stderr.startswith(f"intake evaluate: {after} rows after 2018-12-31 scored")


def test_evaluate_refuses_a_missing_file_or_a_file_that_is_not_acleds(tmp_path: Path) -> None:
    result = runner.invoke(app, ["intake", "evaluate", str(tmp_path / "none.csv")])
    assert result.exit_code == 2 and "ACLED.csv: no file at" in result.stderr
    header, rows = acled_rows(ACLED_MONADIC, 3)
    other = tmp_path / "other.csv"
    other.write_text(to_csv([h for h in header if h != "event_date"],
                            [{k: v for k, v in r.items() if k != "event_date"} for r in rows]),
                     encoding="utf-8")
    result = runner.invoke(app, ["intake", "evaluate", str(other)])
    assert result.exit_code == 2 and "event_date" in result.stderr
