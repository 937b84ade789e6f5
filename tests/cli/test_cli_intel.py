"""`liptako intel`: publish, export for one account, import as one account, each with a
one-line summary; an invalid bundle refused with the validator's messages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from factories.auth import seed_cast
from factories.incidents import seed_events
from liptako.cli.main import app
from liptako.core.db import make_engine, make_session_factory, transaction

runner = CliRunner()
GSIM = {"type": "threat-actor", "spec_version": "2.1",
        "id": "threat-actor--2b6a1c9e-3f4d-4a5b-8c7d-9e0f1a2b3c4d",
        "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
        "name": "GSIM"}


def _seed(url: str) -> None:
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        seed_cast(session)
        seed_events(session, 3)
    engine.dispose()


def _bundle(path: Path, *objects: dict[str, object]) -> Path:
    path.write_text(json.dumps({"type": "bundle", "objects": list(objects),
                                "id": "bundle--0f4a5b2e-8c1d-4e7f-9a3b-5c6d7e8f9a0b"}))
    return path


def test_publish_export_and_import(fresh_database_url: str, tmp_path: Path) -> None:
    env = {"LIPTAKO_DATABASE_URL": fresh_database_url}
    _seed(fresh_database_url)
    first = runner.invoke(app, ["intel", "publish"], env=env)
    assert first.exit_code == 0, first.output
    assert "3 sighting" in first.output and first.output.startswith("published ")
    again = runner.invoke(app, ["intel", "publish"], env=env)
    assert "published 0 new STIX versions (nothing changed" in again.output

    out = tmp_path / "mli.json"
    done = runner.invoke(app, ["intel", "export", "--for", "awa_mli_analyst", "--out",
                               str(out)], env=env)
    assert done.exit_code == 0, done.output
    assert f"readable by awa_mli_analyst to {out}" in done.output
    assert json.loads(out.read_text())["type"] == "bundle"
    refused = runner.invoke(app, ["intel", "export", "--for", "nobody", "--out", str(out)],
                            env=env)
    assert refused.exit_code == 2 and "no account 'nobody'" in refused.output

    good = _bundle(tmp_path / "good.json", GSIM)
    imported = runner.invoke(app, ["intel", "import", str(good), "--as", "ner_analyst"],
                             env=env)
    assert imported.exit_code == 0, imported.output
    assert "1 stored, 0 already stored, 0 refused, 1 actors merged" in imported.output
    bad = _bundle(tmp_path / "bad.json", {k: v for k, v in GSIM.items() if k != "name"})
    invalid = runner.invoke(app, ["intel", "import", str(bad), "--as", "ner_analyst"], env=env)
    assert invalid.exit_code == 2
    assert f"{GSIM['id']}: 'name' is a required property" in invalid.output
    assert "refused, nothing stored (1 validator error(s))" in invalid.output
