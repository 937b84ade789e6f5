"""The situation report page: choose a period, an area and a language, see the report in a
preview and download it as PDF or HTML. The same use case as the API
(:mod:`liptako.web.sitrep`)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from liptako.core.clock import utcnow
from liptako.core.errors import RuleViolation
from liptako.incidents.queries import data_period
from liptako.reports.sitrep import AREAS, SitrepRequest
from liptako.reports.words import LANGUAGES
from liptako.web import sitrep
from liptako.web.deps import SessionDep
from liptako.web.pages.common import PageDep

router = APIRouter(include_in_schema=False)


@router.get("/reports")
def reports_page(page: PageDep, session: SessionDep, period: str = "", country: str = "all",
                 language: str = "") -> Response:
    principal = page.require()
    language = language or page.locale
    if not period:  # the latest month holding incidents the reader may see
        found = data_period(session, principal.viewer, today=utcnow().date(), recent=1)
        default = found.last.strftime("%Y-%m") if found else utcnow().strftime("%Y-%m")
        return page.render("reports.html", period=default, country=country,
                           language=language, areas=AREAS, languages=LANGUAGES, query=None,
                           error=None)
    error, query = None, None
    try:
        SitrepRequest.parse(period, country, language)
        query = urlencode({"period": period, "country": country, "language": language})
    except RuleViolation as exc:
        error = exc.detail
    return page.render("reports.html", status_code=422 if error else 200, period=period,
                       country=country, language=language, areas=AREAS, languages=LANGUAGES,
                       query=query, error=error)


@router.get("/reports/sitrep.{fmt}")
def sitrep_file(page: PageDep, session: SessionDep, fmt: str, period: str,
                country: str = "all", language: str = "fr", inline: bool = False) -> Response:
    """The report as a file (``inline``: to be shown in the page's preview)."""
    principal = page.require()
    built = sitrep.build(session, principal, period=period, country=country,
                         language=language, fmt=fmt)
    return sitrep.response(built, inline=inline)
