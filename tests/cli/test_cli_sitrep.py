"""`liptako report sitrep`: a PDF or HTML situation report written to a file, for an
account or (without --for) as the secretariat sees it, with a one-line summary; bad input
named."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
from typer.testing import CliRunner

from factories.auth import seed_cast
from factories.reports import seed_months
from liptako.cli.main import app
from liptako.core.db import make_engine, make_session_factory, transaction

runner = CliRunner()


def test_sitrep_to_pdf_and_html(fresh_database_url: str, tmp_path: Path) -> None:
    env = {"LIPTAKO_DATABASE_URL": fresh_database_url}
    engine = make_engine(fresh_database_url)
    with transaction(make_session_factory(engine)) as session:
        seed_cast(session)
        seed_months(session, before=4, after=6)
    engine.dispose()

    pdf = tmp_path / "sitrep.pdf"
    done = runner.invoke(app, ["report", "sitrep", "--period", "2019-07", "--country", "all",
                               "--lang", "fr", "--out", str(pdf), "--for", "bfa_analyst"],
                         env=env)
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"wrote {pdf} (PDF, ")
    assert "TLP:CLEAR) for bfa_analyst: 6 events" in done.output
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Rapport de situation" in text and "bfa_analyst" in text

    html = tmp_path / "sitrep.html"
    done = runner.invoke(app, ["report", "sitrep", "--period", "2019-07", "--lang", "en",
                               "--out", str(html)], env=env)
    assert done.exit_code == 0, done.output
    assert "for secretariat: 6 events" in done.output
    assert "Situation report – July 2019" in html.read_text(encoding="utf-8")

    for args, message in (
            (["--period", "2019-07", "--out", str(tmp_path / "x.docx")],
             "--out: expected a file ending in .pdf or .html"),
            (["--period", "last month", "--out", str(pdf)], "period: expected YYYY"),
            (["--period", "2019-07", "--country", "SEN", "--out", str(pdf)],
             "country: expected one of all, BFA, MLI, NER"),
            (["--period", "2019-07", "--out", str(pdf), "--for", "nobody"],
             "no account 'nobody'")):
        refused = runner.invoke(app, ["report", "sitrep", *args], env=env)
        assert refused.exit_code == 2 and message in refused.output, refused.output
