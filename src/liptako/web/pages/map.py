"""The common operational picture page."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import Response

from liptako.core.clock import utcnow
from liptako.incidents import queries as incident_queries
from liptako.incidents.rules import SOURCES, TLP_LEVELS
from liptako.intel.actors import ActorRegistry
from liptako.web.deps import SessionDep
from liptako.web.i18n import Formatter
from liptako.web.messages import EVENTS, FATALITIES
from liptako.web.pages.common import PageDep, event_type_names

router = APIRouter(include_in_schema=False)

EVENT_COLORS = {"battle": "#c0392b", "explosion_remote_violence": "#8e44ad",
                "violence_against_civilians": "#e67e22", "protest": "#2980b9",
                "riot": "#16a085", "strategic_development": "#7f8c8d"}
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
                        "legend_undetermined": _("An article still to be determined")}}


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
        "colors": EVENT_COLORS,
        "labels": _labels(page.fmt, dict(types)),
    }
    registry = ActorRegistry.load()
    return page.render(
        "map.html", config=config, event_types=types,
        countries=[("BFA", _("Burkina Faso")), ("MLI", _("Mali")), ("NER", _("Niger"))],
        actors=[(a, registry.get(a).name) for a in MAIN_ACTORS],
        sources=[(s, s.upper() if s != "national" else _("National reports")) for s in SOURCES],
        tlps=TLP_LEVELS)
