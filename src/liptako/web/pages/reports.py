"""The situation report page: choose a period, an area and a language, see the report in a
preview and download it as PDF or HTML; and the administrators' page of the weekly report's
mailing lists. The same use cases as the API (:mod:`liptako.web.sitrep`,
:mod:`liptako.reports.weekly`)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from liptako.auth.rules import SECRETARIAT, managed_states
from liptako.auth.service import list_users
from liptako.core.clock import utcnow
from liptako.core.errors import RuleViolation
from liptako.reports import weekly
from liptako.reports.schemas import ReportSubscriptionIn
from liptako.reports.sitrep import AREAS, Reader, SitrepRequest, latest_month
from liptako.reports.words import LANGUAGES
from liptako.web import sitrep
from liptako.web.deps import RecordId, SessionDep
from liptako.web.pages.common import Page, PageDep
from liptako.web.security import caller

router = APIRouter(include_in_schema=False)


@router.get("/reports")
def reports_page(page: PageDep, session: SessionDep, period: str = "", country: str = "all",
                 language: str = "") -> Response:
    principal = page.require()
    language = language or page.locale
    if not period:  # the latest month holding incidents a report counts
        default = latest_month(session, Reader.of(principal.user), today=utcnow().date()) \
            or utcnow().strftime("%Y-%m")
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


def _lists(page: Page, session: Session, *, status_code: int = 200,
           values: dict[str, str] | None = None, error: str | None = None) -> Response:
    principal = page.require("admin")
    state = principal.user.state
    states = managed_states(state)
    accounts = [u for u in list_users(session, state=None if state == SECRETARIAT else state)
                if u.is_active]
    return page.render("report_lists.html", status_code=status_code,
                       lists=weekly.list_subscriptions(session, caller(principal)),
                       states=states, accounts=accounts, values=values or {}, error=error,
                       done=page.request.query_params.get("done"))


@router.get("/reports/lists")
def lists_page(page: PageDep, session: SessionDep) -> Response:
    """The weekly report's mailing lists an administrator manages."""
    return _lists(page, session)


@router.post("/reports/lists")
async def create_list(page: PageDep, session: SessionDep) -> Response:
    principal = page.require("admin")
    form = await page.checked_form()
    try:
        body = ReportSubscriptionIn.model_validate({
            "recipients": form.get("recipients", ""), "built_for": form.get("built_for", ""),
            "state": form.get("state") or None, "language": form.get("language") or "fr"})
        weekly.create_subscription(session, body, caller=caller(principal), now=utcnow())
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        return _lists(page, session, status_code=422, values=form,
                      error=f"{where}: {problem['msg'].removeprefix('Value error, ')}")
    except RuleViolation as exc:
        return _lists(page, session, status_code=422, values=form, error=exc.detail)
    return RedirectResponse("/reports/lists?done=created", status_code=303)


@router.post("/reports/lists/{list_id}/disable")
async def disable_list(list_id: RecordId, page: PageDep, request: Request,
                       session: SessionDep) -> Response:
    principal = page.require("admin")
    form = await request.form()
    page.check_csrf(str(form.get("csrf_token", "")))
    weekly.disable_subscription(session, list_id, caller=caller(principal), now=utcnow())
    return RedirectResponse("/reports/lists?done=disabled", status_code=303)
