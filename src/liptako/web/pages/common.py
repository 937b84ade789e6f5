"""What every page shares: templates, the locale, the signed-in user, CSRF on forms."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from liptako.core.config import Settings
from liptako.core.errors import DomainError, PermissionDenied
from liptako.incidents.rules import EVENT_TYPES
from liptako.intel.actors import ActorRegistry, UnknownActor
from liptako.web.deps import SessionDep, SettingsDep
from liptako.web.i18n import LANGUAGE_NAMES, LOCALES, Formatter, pick_locale
from liptako.web.messages import ACTOR_ROLES, MISSING_FACTS, STATE_NAMES, TIMELINE_ACTIONS
from liptako.web.security import Principal, principal_or_none

LANG_COOKIE = "liptako_lang"
LOGIN_CSRF_COOKIE = "liptako_login_csrf"


class LoginRequired(DomainError):
    """A page needs a signed-in user; the handler redirects to the login page."""

    code = "login_required"


def _templates() -> Jinja2Templates:
    folder = str(files("liptako.web").joinpath("templates"))
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(),
                      trim_blocks=True, lstrip_blocks=True)
    return Jinja2Templates(env=env)


def actor_name(actor_id: str) -> str:
    """A canonical actor's name, for pages (its id if the registry no longer knows it)."""
    try:
        return ActorRegistry.load().get(actor_id).name
    except UnknownActor:
        return actor_id


@pass_context
def state_name(context: Context, code: object) -> str:
    """A state (or the secretariat) by its name in the page's language: ``MLI`` -> Mali;
    a list of codes gives the names joined by commas; any other code is shown as it is."""
    if isinstance(code, list | tuple):
        return ", ".join(state_name(context, c) for c in code)
    text = str(code or "")
    return str(context["_"](STATE_NAMES[text])) if text in STATE_NAMES else text


TEMPLATES = _templates()
TEMPLATES.env.filters["state"] = state_name
TEMPLATES.env.globals.update(actor_roles=ACTOR_ROLES, timeline_actions=TIMELINE_ACTIONS,
                             missing_facts=MISSING_FACTS, actor_name=actor_name)


def request_locale(request: Request, principal: Principal | None) -> str:
    chosen = request.query_params.get("lang")
    return pick_locale(chosen, principal.user.locale if principal else None,
                       request.cookies.get(LANG_COOKIE),
                       accept_language=request.headers.get("accept-language"))


@dataclass
class Page:
    """The context of one page request."""

    request: Request
    principal: Principal | None
    settings: Settings
    locale: str

    @property
    def fmt(self) -> Formatter:
        return Formatter(self.locale)

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        fmt = self.fmt
        base = {"_": fmt.gettext, "ngettext": fmt.ngettext, "fmt": fmt, "locale": self.locale,
                "locales": LOCALES,
                "language_names": LANGUAGE_NAMES, "principal": self.principal,
                "user": self.principal.user if self.principal else None,
                "csrf": self.principal.csrf if self.principal else None,
                "path": self.request.url.path, "here": self.here}
        response = TEMPLATES.TemplateResponse(self.request, template, {**base, **context},
                                              status_code=status_code)
        response.headers["cache-control"] = "no-store"
        return response

    @property
    def here(self) -> str:
        """This page's path and query, less ``lang``: where the language switch comes back
        to, the page's filters kept (a ``lang`` left in would undo the switch)."""
        query = urlencode([(k, v) for k, v in self.request.query_params.multi_items()
                           if k != "lang"])
        return self.request.url.path + (f"?{query}" if query else "")

    def require(self, *roles: str) -> Principal:
        if self.principal is None:
            raise LoginRequired(self.request.url.path)
        if roles and not self.principal.has_role(*roles):
            raise PermissionDenied(f"role: expected one of {', '.join(roles)}")
        return self.principal

    async def checked_form(self) -> dict[str, str]:
        """The posted form's fields, once its CSRF token is checked."""
        form = {k: str(v) for k, v in (await self.request.form()).items()}
        self.check_csrf(form.get("csrf_token"))
        return form

    def check_csrf(self, sent: str | None) -> None:
        expected = self.principal.csrf if self.principal else None
        if not expected or not sent or not secrets.compare_digest(sent, expected):
            raise PermissionDenied("csrf: the form is stale; reload the page and try again")


def page_context(request: Request, session: SessionDep, settings: SettingsDep) -> Page:
    try:
        principal = principal_or_none(request, session, settings)
    except DomainError:
        principal = None
    if principal is not None and principal.via != "cookie":
        principal = None  # pages take the session cookie only
    return Page(request, principal, settings, request_locale(request, principal))


PageDep = Annotated[Page, Depends(page_context)]


def event_type_names(gettext: object) -> list[tuple[str, str]]:
    _ = gettext
    names = {"battle": "Battle", "explosion_remote_violence": "Explosion / remote violence",
             "violence_against_civilians": "Violence against civilians", "protest": "Protest",
             "riot": "Riot", "strategic_development": "Strategic development"}
    return [(code, names[code]) for code in EVENT_TYPES]


def login_redirect(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(path)}", status_code=303)
