"""The situation report as a document (issue 22, points 1 and 3): PDF and HTML from one
Typst template in French and in English, read back with pypdf; the first page rendered to
an image (pypdfium2) kept in artifacts/reports/; the TLP label on every page; the reader
printed and audited; the records' text printed, never read as markup."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.auth import seed_cast
from factories.reports import NOW, seed_months
from factories.warning import national_report
from liptako.audit.models import AuditEntry
from liptako.audit.service import Actor
from liptako.auth.models import User
from liptako.reports.service import Built, make_sitrep
from liptako.reports.sitrep import Reader, SitrepRequest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "reports"


def made(session: Session, user: User, fmt: str, lang: str = "fr",
         period: str = "2019-07") -> Built:
    return make_sitrep(session, SitrepRequest.parse(period, "all", lang), fmt,
                       reader=Reader.of(user),
                       actor=Actor(user.id, user.username, user.state), now=NOW)


def pages(content: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages]


@pytest.mark.parametrize(("lang", "headings"), [
    ("fr", ["Rapport de situation – juillet 2019", "Chiffres clés", "Incidents et foyers",
            "Événements et victimes par semaine", "Les dix incidents les plus graves",
            "Invocations de la Charte et assistance", "Alertes et prévisions",
            "Sources et méthodes"]),
    ("en", ["Situation report – July 2019", "Headline figures", "Incidents and hotspots",
            "Events and fatalities by week", "The ten most serious incidents",
            "Charter invocations and assistance", "Alerts and forecasts",
            "Sources and methods"])])
def test_the_pdf_says_it_all_in_the_language_asked(session: Session, lang: str,
                                                    headings: list[str]) -> None:
    cast = seed_cast(session)
    seed_months(session, before=20, after=40)
    national_report(session, "MLI-2688", dt.date(2019, 7, 3), tlp="AMBER", state="MLI")
    built = made(session, cast["awa_mli_analyst"], "pdf", lang)
    assert built.content.startswith(b"%PDF-") and built.media_type == "application/pdf"
    text = pages(built.content)
    assert len(text) >= 2
    whole = "\n".join(text)
    for heading in headings:
        assert heading in whole, heading
    # 41 events this month against 20: the headline row and the change
    events = "Événements" if lang == "fr" else "Events"
    assert re.search(rf"{events} 41 20 \+105 %", whole), whole[:1500]
    # the most restricted marking held (the AMBER report) on every page, and the reader
    assert all("TLP:AMBER" in page for page in text)
    assert all("awa_mli_analyst" in page for page in text)
    # each page numbered out of the document's page count
    of = "sur" if lang == "fr" else "of"
    assert all(f"Page {k} {of} {len(text)}" in page for k, page in enumerate(text, 1))
    assert ("ACLED" in whole and "Natural Earth" in whole and "GeoNames" in whole)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    first = pypdfium2.PdfDocument(built.content)[0].render(scale=1.5).to_pil()
    assert first.width > 800 and sum(1 for n in first.convert("L").histogram() if n) > 16
    first.save(ARTIFACTS / f"sitrep-first-page-{lang}.png")


def test_the_html_comes_from_the_same_template(session: Session) -> None:
    cast = seed_cast(session)
    seed_months(session, before=5, after=5)
    built = made(session, cast["sec"], "html", "en")
    html = built.content.decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    for heading in ("Headline figures", "The ten most serious incidents", "Sources and methods"):
        assert heading in html
    assert html.count("TLP:CLEAR") >= 2  # at the top and at the foot
    assert html.count("data:image/svg+xml;base64,") == 3  # the map and the two charts
    assert built.filename == "liptako-sitrep-all-2019-07-en.html"


def test_the_records_text_is_printed_not_obeyed(session: Session) -> None:
    cast = seed_cast(session)
    hostile = national_report(session, "MLI-2688", dt.date(2019, 7, 3), tlp="GREEN",
                              state="MLI")
    hostile.description = '#panic("boom") *bold* <script>alert(1)</script> $x$ @ref'
    hostile.src_location = "#set page(height: 1cm)"
    session.flush()
    text = " ".join(" ".join(pages(made(session, cast["sec"], "pdf", "en").content)).split())
    assert '#panic("boom") *bold*' in text and "#set page(height: 1cm)" in text
    html = made(session, cast["sec"], "html", "en").content.decode()
    assert "<script>" not in html and "&lt;script>alert(1)" in html


def test_each_report_is_audited_with_whom_it_was_built_for(session: Session) -> None:
    cast = seed_cast(session)
    seed_months(session, before=0, after=3)
    built = made(session, cast["bfa_analyst"], "pdf", "fr")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "report.sitrep")
                            .order_by(AuditEntry.seq.desc())).first()
    assert entry is not None and entry.actor_name == "bfa_analyst"
    assert entry.detail is not None
    assert {k: entry.detail[k] for k in ("period", "country", "lang", "format", "built_for",
                                         "tlp", "events")} == {
        "period": "2019-07-01:2019-07-31", "country": "all", "lang": "fr", "format": "pdf",
        "built_for": "bfa_analyst", "tlp": built.report.tlp, "events": 3}
