"""Threat-actor pages: the list of canonical actors (filtered by family and home country)
and one actor's page (names, lineage, activity), with the analysts' edit forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from liptako.core.clock import utcnow
from liptako.core.errors import DomainError
from liptako.intel import queries, service
from liptako.intel.actors import LANGS, SOURCES, ActorRegistry
from liptako.intel.rules import FAMILIES, may_edit
from liptako.intel.schemas import AliasIn, LinkIn
from liptako.web.actor_view import actor_list, actor_out
from liptako.web.charts import ActivityWords, activity_svg, areas_map_svg
from liptako.web.deps import RecordId, SessionDep
from liptako.web.errors import status_for
from liptako.web.messages import N_
from liptako.web.pages.common import Page, PageDep, event_type_names
from liptako.web.pages.refusals import explain
from liptako.web.security import Principal

router = APIRouter(include_in_schema=False)

FAMILY_NAMES = {
    "jihadist": N_("Jihadist groups"), "separatist_rebel": N_("Separatist and rebel groups"),
    "militia": N_("Militias"), "other": N_("Other armed groups"), "state": N_("State forces"),
    "international_organization": N_("International organisations and forces"),
    "organization": N_("Unarmed organisations"), "civilians": N_("Civilians"),
}
LANG_NAMES = {"en": N_("English"), "fr": N_("French"), "ar": N_("Arabic"),
              "ar-Latn": N_("Arabic (Latin transliteration)")}
SOURCE_NAMES = {"acled": "ACLED", "ucdp": "UCDP", "national": N_("National reports"),
                "press": N_("Press")}
RELATION_NAMES = {"predecessor": N_("Predecessor"), "successor": N_("Successor")}


def _choice(value: str | None, allowed: Any) -> str | None:
    return value if value in allowed else None


@router.get("/actors")
def actor_list_page(page: PageDep, session: SessionDep) -> Response:
    """The shipped canonical actors; the per-country family members (each state's forces,
    civilians) are reached from the incidents that name them, not listed."""
    principal = page.require()
    registry = service.registry(session)
    countries = sorted({a.state for a in ActorRegistry.load().actors.values() if a.state})
    params = page.request.query_params
    family = _choice(params.get("family"), FAMILIES)
    country = _choice(params.get("country"), countries)
    rows = actor_list(session, registry, principal.viewer, family=family, country=country)
    return page.render("actors.html", rows=rows, family=family, country=country,
                       families=FAMILY_NAMES, countries=countries,
                       country_names=_country_names(registry))


def _country_names(registry: ActorRegistry) -> dict[str, str]:
    """Countries other than the member states by their (English) names in the registry."""
    return {code: country.name for code, country in registry.countries.items()}


@router.get("/actors/{actor_id}")
def actor_page(actor_id: str, page: PageDep, session: SessionDep) -> Response:
    return _actor(page, session, actor_id)


def _actor(page: Page, session: Session, actor_id: str, *, status_code: int = 200,
           error: str | None = None, values: dict[str, str] | None = None) -> Response:
    principal = page.require()
    _ = page.fmt.gettext
    registry = service.registry(session)
    out = actor_out(session, registry, principal.viewer, actor_id)
    words = ActivityWords(title=_("Events and fatalities per month: %(actor)s")
                          % {"actor": out.name},
                          events=_("Events (bars, left scale)"),
                          fatalities=_("Fatalities (line, right scale)"))
    chart = activity_svg([(f"{m.month:%Y-%m}", m.events, m.fatalities)
                          for m in out.activity.months], words)
    counts = {a.admin1_code: a.events for a in out.activity.areas if a.admin1_code}
    area_map = areas_map_svg(counts, _("Main areas of activity"), lang=page.locale) \
        if counts else ""
    user = principal.user
    return page.render(
        "actor.html", status_code=status_code, actor=out, registry=registry,
        chain=queries.lineage_chain(registry, actor_id),
        names={lang: [a for a in out.aliases if a.lang == lang] for lang in LANGS},
        lang_names=LANG_NAMES, source_names=SOURCE_NAMES, relation_names=RELATION_NAMES,
        families=FAMILY_NAMES, langs=LANGS, sources=SOURCES,
        country_names=_country_names(registry),
        others=[(a.id, a.name) for a in queries.listed(registry) if a.id != actor_id],
        type_names=dict((c, _(n)) for c, n in event_type_names(_)),
        may_edit=may_edit(user.roles, user.state), error=error, values=values or {},
        chart=Markup(chart),  # noqa: S704 - built by activity_svg, which escapes text
        area_map=Markup(area_map))  # noqa: S704 - built by areas_map_svg, which escapes text


async def _form(page: Page, request: Request) -> dict[str, str]:
    """The form's fields, once its CSRF token is checked."""
    form = await request.form()
    page.check_csrf(str(form.get("csrf_token", "")))
    return {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}


def _refused(page: Page, session: Session, actor_id: str, exc: DomainError,
             values: dict[str, str]) -> Response:
    if exc.code in ("not_found", "unknown_actor", "permission_denied"):
        raise exc
    return _actor(page, session, actor_id, status_code=status_for(exc),
                  error=explain(exc, page.fmt.gettext), values=values)


def _invalid(page: Page, session: Session, actor_id: str, exc: ValidationError,
             values: dict[str, str]) -> Response:
    fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]}))
    message = page.fmt.gettext("Check the form: a field is missing or wrong.")
    return _actor(page, session, actor_id, status_code=422, error=f"{message} ({fields})",
                  values=values)


def _add_edit(page: Page, principal: Principal, session: Session, actor_id: str,
              values: dict[str, str], parse: Callable[[], BaseModel], add: Callable[..., object],
              anchor: str) -> Response:
    """One analyst's edit from its form: parsed, stored, and back to its part of the page;
    a refusal renders the page with the form as it was sent."""
    try:
        payload = parse()
    except ValidationError as exc:
        return _invalid(page, session, actor_id, exc, values)
    try:
        add(session, actor_id, payload, actor=principal.actor,
            roles=tuple(principal.user.roles), now=utcnow())
    except DomainError as exc:
        return _refused(page, session, actor_id, exc, values)
    return RedirectResponse(f"/actors/{actor_id}#{anchor}", status_code=303)


@router.post("/actors/{actor_id}/aliases")
async def add_alias(actor_id: str, page: PageDep, request: Request,
                    session: SessionDep) -> Response:
    principal = page.require()
    values = await _form(page, request)
    return _add_edit(page, principal, session, actor_id, values, lambda: AliasIn.model_validate(
        {k: values.get(k) or None for k in ("name", "lang", "source", "valid_from", "valid_to")}
        | {"source": values.get("source") or "press"}), service.add_alias, "names")


@router.post("/actors/{actor_id}/aliases/{alias_id}/remove")
async def remove_alias(actor_id: str, alias_id: RecordId, page: PageDep, request: Request,
                       session: SessionDep) -> Response:
    principal = page.require()
    await _form(page, request)
    service.remove_alias(session, actor_id, alias_id, actor=principal.actor,
                         roles=tuple(principal.user.roles), now=utcnow())
    return RedirectResponse(f"/actors/{actor_id}#names", status_code=303)


@router.post("/actors/{actor_id}/lineage")
async def add_lineage(actor_id: str, page: PageDep, request: Request,
                      session: SessionDep) -> Response:
    principal = page.require()
    values = await _form(page, request)
    return _add_edit(page, principal, session, actor_id, values, lambda: LinkIn.model_validate(
        {k: values.get(k) or None for k in ("relation", "other_id", "on")}),
        service.add_lineage, "lineage")


@router.post("/actors/{actor_id}/lineage/{link_id}/remove")
async def remove_lineage(actor_id: str, link_id: RecordId, page: PageDep, request: Request,
                         session: SessionDep) -> Response:
    principal = page.require()
    await _form(page, request)
    service.remove_lineage(session, actor_id, link_id, actor=principal.actor,
                           roles=tuple(principal.user.roles), now=utcnow())
    return RedirectResponse(f"/actors/{actor_id}#lineage", status_code=303)
