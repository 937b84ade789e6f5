"""The common operational picture page."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import func, select

from liptako.incidents.models import Incident
from liptako.incidents.rules import SOURCES, TLP_LEVELS
from liptako.web.deps import SessionDep
from liptako.web.pages.common import PageDep, event_type_names

router = APIRouter(include_in_schema=False)

EVENT_COLORS = {"battle": "#c0392b", "explosion_remote_violence": "#8e44ad",
                "violence_against_civilians": "#e67e22", "protest": "#2980b9",
                "riot": "#16a085", "strategic_development": "#7f8c8d"}
MAIN_ACTORS = ("jnim", "is_sahel", "ansarul_islam", "aqim", "fla", "csp", "cma",
               "state.mli.military", "state.bfa.military", "state.ner.military",
               "militia.dozo", "militia.fulani", "ext.wagner")


@router.get("/")
def map_page(page: PageDep, session: SessionDep) -> Response:
    page.require()
    _ = page.fmt.gettext
    first, last = session.execute(select(func.min(Incident.occurred_on),
                                         func.max(Incident.occurred_on))).one()
    first_month = first.strftime("%Y-%m") if first else "2023-01"
    last_month = last.strftime("%Y-%m") if last else "2023-12"
    start = f"{max(int(first_month[:4]), int(last_month[:4]) - 1)}-{last_month[5:]}"
    types = [(code, _(name)) for code, name in event_type_names(_)]
    config = {
        "locale": page.locale, "api": "/api/v1", "max_markers": 20000,
        "months": {"min": first_month, "max": last_month, "start": max(start, first_month)},
        "colors": EVENT_COLORS,
        "labels": {"events": _("events"), "fatalities": _("fatalities"),
                   "loading": _("Loading…"), "error": _("Could not load the data"),
                   "incidents": _("Incidents"), "zone": _("Liptako-Gourma zone"),
                   "areas": _("Admin areas"), "shade": _("Shading"),
                   "attribution": _("Boundaries: Natural Earth"),
                   "exercise": _("EXERCISE"),
                   "types": dict(types)},
    }
    return page.render(
        "map.html", config=config, event_types=types,
        countries=[("BFA", _("Burkina Faso")), ("MLI", _("Mali")), ("NER", _("Niger"))],
        actors=[(a, a) for a in MAIN_ACTORS],
        sources=[(s, s.upper() if s != "national" else _("National reports")) for s in SOURCES],
        tlps=TLP_LEVELS)
