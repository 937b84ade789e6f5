"""One admin unit's page: its recent months of violence and its latest forecast."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup

from liptako.core.errors import NotFound
from liptako.core.geojson import admin_features, labelled
from liptako.warning import queries as warning_queries
from liptako.warning.models import ForecastRun, ForecastValue
from liptako.web.charts import ChartWords, ForecastPoint, history_forecast_svg
from liptako.web.deps import SessionDep
from liptako.web.pages.common import PageDep

router = APIRouter(include_in_schema=False)
HISTORY_MONTHS = 24


def _unit(code: str, locale: str) -> dict[str, Any]:
    for feature in admin_features():
        if feature["properties"]["code"] == code:
            props: dict[str, Any] = labelled(feature, locale)["properties"]
            return props
    raise NotFound(f"unit: expected the code of a shipped admin unit, got {code!r}")


def _forecast_values(run: ForecastRun | None, code: str) -> list[ForecastValue]:
    if run is None:
        return []
    return sorted((v for v in run.values if v.unit == code), key=lambda v: v.ahead)


@router.get("/units/{code}")
def unit_page(code: str, page: PageDep, session: SessionDep) -> Response:
    principal = page.require()
    _ = page.fmt.gettext
    unit = _unit(code, page.locale)
    history = warning_queries.unit_history(session, principal.viewer, code,
                                           months=HISTORY_MONTHS)
    run = warning_queries.latest_forecast(session, principal.viewer)
    forecast = _forecast_values(run, code)
    words = ChartWords(
        title=_("Fatalities per month in %(unit)s and their forecast") % {"unit": unit["label"]},
        history=_("Fatalities"), forecast=_("Expected fatalities"),
        band=_("Likely range") + " (80 %)")
    chart = history_forecast_svg([(f"{m:%Y-%m}", dead) for m, _events, dead in history],
                                 [ForecastPoint(f"{v.month:%Y-%m}", v.expected, v.low, v.high)
                                  for v in forecast], words)
    return page.render(
        "unit.html", unit=unit, history=history, forecast=forecast, run=run,
        chart=Markup(chart))  # noqa: S704 - built by history_forecast_svg, which escapes text
