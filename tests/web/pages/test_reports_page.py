"""The situation report page and API (issue 22, point 2): a form, a preview of the report
built for the signed-in reader, downloads as PDF and HTML; the API gives the same report."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pypdf
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.auth import seed_state_admins
from factories.reports import seed_months
from factories.warning import national_report
from helpers.web import sign_in
from liptako.auth.models import User
from liptako.reports.models import ReportSubscription
from liptako.web.security import SESSION_COOKIE, read_session_cookie
from liptako.web.sitrep import DOCUMENT_CSP


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
                    .split())


def test_the_page_offers_the_latest_month_a_report_would_count(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    seed_months(session, before=3, after=4)
    national_report(session, "BFA-2806", dt.date(2019, 9, 1), tlp="GREEN", state="BFA",
                    exercise=True)  # an exercise's report is never counted: not its month
    national_report(session, "NER-93", dt.date(2019, 10, 1), tlp="RED", state="NER")
    sign_in(client, "bfa_analyst")
    page = client.get("/reports")
    assert page.status_code == 200
    assert 'name="period" value="2019-07"' in page.text
    assert 'href="/reports" aria-current="page"' in page.text
    assert "<iframe" not in page.text  # no preview until a report is asked for


def test_a_report_asked_for_is_previewed_with_its_downloads(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    seed_months(session, before=3, after=4)
    sign_in(client, "bfa_analyst")
    page = client.get("/reports?period=2019-07&country=BFA&language=en")
    assert page.status_code == 200
    query = "period=2019-07&amp;country=BFA&amp;language=en"
    assert f'href="/reports/sitrep.pdf?{query}"' in page.text
    assert f'src="/reports/sitrep.html?{query}&amp;inline=true"' in page.text
    preview = client.get("/reports/sitrep.html?period=2019-07&country=BFA&language=en"
                         "&inline=true")
    assert preview.status_code == 200 and preview.headers["content-type"].startswith("text/html")
    assert preview.headers["content-disposition"].startswith("inline;")
    assert preview.headers["content-security-policy"] == DOCUMENT_CSP
    assert preview.headers["x-frame-options"] == "SAMEORIGIN"
    assert "Situation report – July 2019" in preview.text and "bfa_analyst" in preview.text
    pdf = client.get("/reports/sitrep.pdf?period=2019-07&country=BFA&language=fr")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == (
        'attachment; filename="liptako-sitrep-bfa-2019-07-fr.pdf"')
    assert "Rapport de situation – juillet 2019" in text_of(pdf.content)


def test_a_bad_period_is_said_on_the_form(client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "bfa_analyst")
    page = client.get("/reports?period=July&country=all&language=fr")
    assert page.status_code == 422
    assert re.search(r'role="alert"[^>]*>period: expected YYYY', page.text)
    assert "<iframe" not in page.text


def test_the_page_needs_a_signed_in_reader(client: TestClient) -> None:
    assert client.get("/reports", follow_redirects=False).status_code == 303
    assert client.get("/reports/sitrep.pdf?period=2019-07",
                      follow_redirects=False).status_code == 303


def test_the_api_builds_the_report_of_what_the_caller_may_see(
        client: TestClient, session: Session, auth) -> None:  # type: ignore[no-untyped-def]
    national_report(session, "NER-93", dt.date(2019, 7, 9), tlp="RED", state="NER")
    national_report(session, "NER-93", dt.date(2019, 7, 10), tlp="GREEN", state="NER")
    url = "/api/v1/reports/sitrep?period=2019-07&country=NER&language=en&format=pdf"
    niger = client.get(url, headers=auth("ner_analyst"))
    burkina = client.get(url, headers=auth("bfa_analyst"))
    assert niger.status_code == burkina.status_code == 200
    assert (niger.headers["x-liptako-tlp"], burkina.headers["x-liptako-tlp"]) == ("RED", "GREEN")
    assert re.search(r"Events 2 0", text_of(niger.content))
    assert re.search(r"Events 1 0", text_of(burkina.content))
    assert "TLP:RED" not in text_of(burkina.content)


def test_the_api_says_what_is_wrong_with_a_request(
        client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    bad = client.get("/api/v1/reports/sitrep?period=2019-07&country=SEN",
                     headers=auth("bfa_analyst"))
    assert bad.status_code == 422
    assert "country: expected one of all, BFA, MLI, NER" in bad.text
    assert client.get("/api/v1/reports/sitrep?period=2019-07").status_code == 401



def _csrf(client: TestClient) -> str:
    data = read_session_cookie(client.app.state.settings,  # type: ignore[attr-defined]
                               client.cookies.get(SESSION_COOKIE) or "")
    assert data is not None
    return str(data["csrf"])


def test_a_states_administrator_keeps_its_weekly_report_lists(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    seed_state_admins(session)
    sign_in(client, "mli_admin")
    page = client.get("/reports/lists")
    assert page.status_code == 200 and 'value="awa_mli_analyst"' in page.text
    assert 'value="bfa_analyst"' not in page.text  # only Mali's accounts are offered
    form = {"csrf_token": _csrf(client), "state": "MLI", "language": "en",
            "recipients": "ops@mli.example, chief@mli.example", "built_for": "awa_mli_analyst"}
    made = client.post("/reports/lists", data=form, follow_redirects=False)
    assert made.status_code == 303
    (made_list,) = session.scalars(select(ReportSubscription)).all()
    assert (made_list.state, made_list.recipients, made_list.language) == (
        "MLI", "ops@mli.example,chief@mli.example", "en")
    listed = client.get("/reports/lists?done=created")
    assert "ops@mli.example,chief@mli.example" in listed.text and 'role="status"' in listed.text
    bad = client.post("/reports/lists", data={**form, "recipients": "ops at mli"})
    assert bad.status_code == 422
    assert "recipients: expected e-mail addresses separated by commas, got 'ops at mli'" in \
        html.unescape(bad.text)
    foreign = client.post("/reports/lists", data={**form, "built_for": "bfa_analyst"})
    assert foreign.status_code == 422 and "built_for: expected an active account of MLI" in \
        foreign.text
    gone = client.post(f"/reports/lists/{made_list.id}/disable", follow_redirects=False,
                       data={"csrf_token": _csrf(client)})
    assert gone.status_code == 303 and made_list.active is False
    sign_in(client, "awa_mli_analyst")
    assert client.get("/reports/lists").status_code == 403
