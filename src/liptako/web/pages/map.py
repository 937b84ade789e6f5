"""The common operational picture page."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import Response

from liptako.core.clock import utcnow
from liptako.incidents import queries as incident_queries
from liptako.incidents.rules import SOURCES, TLP_LEVELS
from liptako.intel.actors import ActorRegistry
from liptako.warning import words as warning_words
from liptako.web.deps import SessionDep
from liptako.web.i18n import Formatter
from liptako.web.messages import CLUSTERS, EVENTS, FATALITIES
from liptako.web.pages.common import PageDep, event_type_names

router = APIRouter(include_in_schema=False)

EVENT_COLORS = {"battle": "#c0392b", "explosion_remote_violence": "#8e44ad",
                "violence_against_civilians": "#e67e22", "protest": "#2980b9",
                "riot": "#16a085", "strategic_development": "#7f8c8d"}
# the emerging hot spot categories: hot in reds (darker the more established), cold in blues,
# after ArcGIS Pro's Emerging Hot Spot Analysis symbols
CATEGORY_COLORS = {
    "new hot spot": "#fcae91", "consecutive hot spot": "#fb6a4a",
    "intensifying hot spot": "#de2d26", "persistent hot spot": "#a50f15",
    "diminishing hot spot": "#e7969c", "sporadic hot spot": "#f7c6a3",
    "oscillating hot spot": "#d6616b", "historical hot spot": "#843c39",
    "new cold spot": "#bdd7e7", "consecutive cold spot": "#6baed6",
    "intensifying cold spot": "#3182bd", "persistent cold spot": "#08519c",
    "diminishing cold spot": "#9ecae1", "sporadic cold spot": "#c6dbef",
    "oscillating cold spot": "#6b6ecf", "historical cold spot": "#393b79"}
TREND_COLORS = {"rose": "#b2182b", "fell": "#2166ac", "noise": "#bdbdbd"}
MAIN_ACTORS = ("jnim", "is_sahel", "ansarul_islam", "aqim", "fla", "csp", "cma",
               "state.mli.military", "state.bfa.military", "state.ner.military",
               "militia.dozo", "militia.fulani", "ext.wagner")


def _labels(fmt: Formatter, types: dict[str, str]) -> dict[str, object]:
    """Every word the map's script writes, in the page's language: counts in each plural form
    (the script picks one with Intl.PluralRules), the chart's legend and axes, the sources."""
    _ = fmt.gettext
    return {"events": fmt.plural_forms(*EVENTS), "fatalities": fmt.plural_forms(*FATALITIES),
            "chart": {"month": _("Month"), "events": _("Events"),
                      "fatalities": _("Fatalities")},
            "loading": _("Loading…"), "error": _("Could not load the data"),
            "incidents": _("Incidents"), "zone": _("Liptako-Gourma zone"),
            "areas": _("Admin areas"), "shade": _("Shading"),
            "attribution": _("Basemap and boundaries: Natural Earth"),
            "exercise": _("EXERCISE"), "types": types, "sources": source_names(_),
            # the Charter on the map: a ring for an incident that engages an article, a
            # dashed ring for one whose article is still to be determined
            "charter": {"engaged": _("Engaged: Art. %(articles)s"),
                        "undetermined": _("To be determined: Art. %(articles)s"),
                        "legend_engaged": _("Engages an article of the Charter"),
                        "legend_undetermined": _("An article still to be determined")},
            "hotspots": _hotspot_labels(fmt), "trends": _trend_labels(fmt),
            "forecast": _forecast_labels(fmt)}


def _hotspot_labels(fmt: Formatter) -> dict[str, object]:
    """The hotspot layer's words: a cluster's tooltip, the scan it comes from, the categories."""
    _ = fmt.gettext
    return {"layer": _("Hotspots (space-time scan)"),
            "cluster": _("Cluster %(rank)s: %(units)s"),
            "period": _("from %(start)s to %(end)s"),
            "risk": _("relative risk %(value)s"), "p": _("p = %(value)s"),
            "legend": _("Cluster of violence, p ≤ 0.05"),
            "scan": _("Hotspot scan of %(start)s to %(end)s (run %(ran)s)"),
            "clusters": fmt.plural_forms(*CLUSTERS),
            "none": _("No hotspot scan yet"),
            "shading": _("Emerging hot spot pattern (Gi*)"),
            "categories": warning_words.CATEGORIES[fmt.locale]}


def _trend_labels(fmt: Formatter) -> dict[str, object]:
    """The trend layer's and table's words; the sentences come with the trend report."""
    _ = fmt.gettext
    return {"layer": _("Trends (change between two periods)"),
            "caption": _("Change in events from %(before)s to %(after)s, by area"),
            "headings": warning_words.HEADINGS[fmt.locale],
            "short": _("Choose at least two months to compare two periods."),
            "method": warning_words.METHOD[fmt.locale]}


def _forecast_labels(fmt: Formatter) -> dict[str, object]:
    """The forecast layer's words: a unit's tooltip, the table's caption, the legend."""
    _ = fmt.gettext
    return {"layer": _("Forecast (expected fatalities)"),
            "tooltip": _("%(unit)s, %(month)s: %(expected)s expected (80 %: %(low)s to "
                         "%(high)s), P(%(threshold)s or more) %(p)s"),
            "caption": _("Fatalities expected in %(month)s, forecast from %(origin)s "
                         "(run %(ran)s)"),
            "legend": _("Expected fatalities"),
            "none": _("No forecast yet")}


def source_names(gettext: Callable[[str], str]) -> dict[str, str]:
    """The sources as a reader names them: the datasets by their name, reports in words."""
    _ = gettext
    return {s: _("National report") if s == "national" else s.upper() for s in SOURCES}


@router.get("/")
def map_page(page: PageDep, session: SessionDep) -> Response:
    principal = page.require()
    _ = page.fmt.gettext
    today = utcnow().date()
    period = incident_queries.data_period(session, principal.viewer, today=today)
    first, last, start = ((period.first, period.last, period.start) if period
                          else (today, today, today))
    types = [(code, _(name)) for code, name in event_type_names(_)]
    config = {
        "locale": page.locale, "api": "/api/v1", "max_markers": 20000,
        "months": {"min": f"{first:%Y-%m}", "max": f"{last:%Y-%m}", "start": f"{start:%Y-%m}"},
        "colors": EVENT_COLORS, "categories": CATEGORY_COLORS, "trends": TREND_COLORS,
        "labels": _labels(page.fmt, dict(types)),
    }
    registry = ActorRegistry.load()
    return page.render(
        "map.html", config=config, event_types=types,
        countries=[("BFA", _("Burkina Faso")), ("MLI", _("Mali")), ("NER", _("Niger"))],
        actors=[(a, registry.get(a).name) for a in MAIN_ACTORS],
        sources=[(s, s.upper() if s != "national" else _("National reports")) for s in SOURCES],
        tlps=TLP_LEVELS)
