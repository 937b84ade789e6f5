"""A unit's page: its name and country, its months of events and fatalities as the viewer may
see them, the latest forecast's months, and a chart of both drawn by the server, in French
and English; the site's 404 page for an unknown unit; signed-in users only."""

from __future__ import annotations

import datetime as dt
import doctest
import html
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.warning import national_report
from helpers.web import sign_in
from liptako.audit.service import Actor
from liptako.auth.models import User
from liptako.warning.forecast import run_forecast
from liptako.warning.schemas import ForecastParameters
from liptako.web import charts
from liptako.web.charts import ChartWords, ForecastPoint, history_forecast_svg
from warning.test_forecast import SOUM, TIMBUKTU, record

NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)


def _two_years(session: Session) -> None:
    """Timbuktu: a battle with 30 deaths every month of 2018 and 2019; Soum: one death a
    month."""
    months = [dt.date(2018 + k // 12, k % 12 + 1, 10) for k in range(24)]
    record(session, [(TIMBUKTU, day, "battle", 30) for day in months] +
           [(SOUM, day, "battle", 1) for day in months])


def _rows(text: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table class="{table}">.*?<tbody>(.*?)</tbody>', text, re.S)
    assert body is not None
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body[1], re.S)]


def test_a_units_page_shows_its_months_its_forecast_and_their_chart(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    _two_years(session)
    run_forecast(session, ForecastParameters(months=3, samples=200, seed=5),
                 actor=Actor(None, "awa", "MLI"), now=NOW)
    sign_in(client, "moussa_ner_liaison")
    fr = client.get(f"/units/{TIMBUKTU}", params={"lang": "fr"})
    assert fr.status_code == 200
    assert "<h1>Tombouctou</h1>" in fr.text and "<p>Mali · " in fr.text
    history = _rows(fr.text, "unit-history")
    # the 24 months up to the newest event, the newest first
    assert len(history) == 24 and history[0] == ["décembre 2019", "1", "30"]
    assert history[-1] == ["janvier 2018", "1", "30"]
    months = _rows(fr.text, "forecast-months")
    assert [m[0] for m in months] == ["janvier 2020", "février 2020", "mars 2020"]
    assert "Prévision de décembre 2019" in html.unescape(fr.text)
    svg = re.search(r"<svg .*?</svg>", fr.text, re.S)
    assert svg is not None
    assert svg[0].count('<rect class="history"') == 24
    assert 'class="band"' in svg[0] and 'class="forecast"' in svg[0]
    en = client.get(f"/units/{TIMBUKTU}", params={"lang": "en"})
    assert "<h1>Timbuktu</h1>" in en.text and "December 2019" in en.text
    assert "Expected fatalities" in en.text
    assert "Forecast from December 2019" in en.text


def test_a_viewer_does_not_see_another_states_amber_report_in_the_months(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    _two_years(session)
    national_report(session, SOUM, dt.date(2019, 12, 20), tlp="AMBER", state="BFA")
    sign_in(client, "moussa_ner_liaison")
    niger = _rows(client.get(f"/units/{SOUM}", params={"lang": "en"}).text, "unit-history")
    sign_in(client, "ibrahim_bfa_liaison")
    burkina = _rows(client.get(f"/units/{SOUM}", params={"lang": "en"}).text, "unit-history")
    assert niger[0] == ["December 2019", "1", "1"]
    assert burkina[0] == ["December 2019", "2", "13"]
    # before any forecast: the months, and no forecast
    page = client.get(f"/units/{SOUM}", params={"lang": "en"}).text
    assert _rows(page, "forecast-months") == [["None."]] and "No forecast yet" in page
    assert 'class="history"' in page and 'class="band"' not in page


def test_an_unknown_unit_is_the_sites_404_page_and_signed_out_goes_to_sign_in(
        client: TestClient, cast: dict[str, User]) -> None:
    signed_out = client.get(f"/units/{TIMBUKTU}", follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == f"/login?next=/units/{TIMBUKTU}"
    sign_in(client, "amadou_mli_liaison")
    missing = client.get("/units/XYZ-1", params={"lang": "en"})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "This record does not exist or is not releasable to you." in missing.text


def test_the_chart_escapes_its_words_and_draws_the_band_between_low_and_high() -> None:
    svg = history_forecast_svg(
        [("2019-12", 10.0)], [ForecastPoint("2020-01", 5.0, 0.0, 20.0)],
        ChartWords("<script>x</script>", "a", "b", "c"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    band = re.search(r'class="band" points="([^"]+)"', svg)
    assert band is not None
    ys = [float(p.split(",")[1]) for p in band[1].split()]
    # the band's top (20, the chart's top) above the bar's (10), its bottom on the baseline
    bar_top = float(re.search(r'class="history" x="[^"]+" y="([^"]+)"', svg)[1])  # type: ignore[index]
    assert min(ys) < bar_top < max(ys)


def test_the_charts_example_runs_as_written() -> None:
    result = doctest.testmod(charts, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
