"""Situation reports over the API: the report a caller may read, as PDF or HTML."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from liptako.web import sitrep
from liptako.web.deps import SessionDep
from liptako.web.security import CurrentPrincipal

router = APIRouter(tags=["reports"])


@router.get("/reports/sitrep", response_class=Response, responses={200: {
    "content": {"application/pdf": {}, "text/html": {}},
    "description": "The situation report, an attachment; its TLP in X-Liptako-TLP"}})
def get_sitrep(principal: CurrentPrincipal, session: SessionDep,
               period: Annotated[str, Query(description="2019-07 (a month), 2019 (a year), "
                                            "2019-07-15 (a day), or two joined by ':'")],
               country: Annotated[str, Query(description="all, BFA, MLI or NER")] = "all",
               language: Annotated[Literal["fr", "en"], Query()] = "fr",
               fmt: Annotated[Literal["pdf", "html"], Query(alias="format")] = "pdf",
               ) -> Response:
    """A situation report for a period and an area with what the caller may see: figures
    and their trend, map, charts, the most serious incidents, the Charter and assistance,
    alerts, hotspots, forecasts, sources; the most restricted TLP on every page; audited."""
    built = sitrep.build(session, principal, period=period, country=country,
                         language=language, fmt=fmt)
    return sitrep.response(built)
