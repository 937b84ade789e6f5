"""Errors on pages are pages: a login redirect, or the site's error page with the visitor's
navigation bar (signed in or not), in their language, with the error's status.

Anything under ``/api/`` (and the static assets, which browsers fetch for pages, not people)
keeps the JSON body of ``web.errors``. The handlers here are installed over those of
``web.errors`` and hand them every request that is not a page's.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from liptako.core.errors import DomainError
from liptako.web.errors import (
    DATABASE_ERRORS,
    database_error_json,
    database_refusal_logged,
    domain_error_json,
    http_error_json,
    status_for,
    validation_error_json,
)
from liptako.web.messages import N_
from liptako.web.pages.common import (
    LoginRequired,
    Page,
    login_redirect,
    page_context,
    request_locale,
)
from liptako.web.routes import methods_at

NOT_PAGES = ("/api/", "/taxii2", "/static/")
TITLES = {404: "Not found", 403: "Not allowed", 409: "Conflict", 422: "Invalid request",
          405: N_("Not possible this way"), 503: N_("Service unavailable"),
          507: N_("Storage full")}
NO_PAGE = N_("There is no page at this address.")
WRONG_METHOD = N_("This address cannot be opened this way: go back to the page and use its "
                  "buttons and forms.")
NOT_A_RECORD = N_("This address names no record: “%(value)s” is not a record number.")
CONTROL = N_("The form holds a character that cannot be stored (a control character, such as "
             "NUL): go back, remove it and send the form again.")
DATABASE_DOWN = N_("The database cannot be reached just now: nothing was changed. Try again "
                   "in a few seconds.")
STORAGE_FULL = N_("The server's storage is full: nothing of this was saved. Tell the "
                  "administrator.")
UNREADABLE = N_("The address or the form holds something this page does not take: go back, "
                "check it and try again.")


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(NOT_PAGES)


async def error_page(request: Request, status: int, message: str, *,
                     params: dict[str, str] | None = None, title: str | None = None,
                     headers: dict[str, str] | None = None) -> Response:
    """The site's error page: ``message`` (a msgid, with ``params``) under ``title`` (by
    default the status's), in the visitor's language, with their navigation bar. The visitor
    is read from their session cookie with a session of its own: the request's, if it had
    one, ended with the error."""
    async with request.app.state.session_gate:
        response = await run_in_threadpool(_render, request, status, message, params or {},
                                           title or TITLES.get(status, "Error"))
    response.headers.update(headers or {})
    return response


def _render(request: Request, status: int, message: str, params: dict[str, str],
            title: str) -> Response:
    with request.app.state.session_factory() as session:  # read only: rolled back on close
        try:
            page = page_context(request, session, request.app.state.settings)
        except DATABASE_ERRORS:  # the database is down too: the page as for a visitor
            page = Page(request, None, request.app.state.settings, request_locale(request, None))
        _ = page.fmt.gettext
        text = _(message) % params if params else _(message)
        return page.render("error.html", status_code=status, title=_(title), message=text)


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if not is_page(request):
        return await domain_error_json(request, exc)
    if isinstance(exc, LoginRequired) or exc.code == "unauthenticated":
        return login_redirect(request.url.path)
    status = status_for(exc)
    message = {404: "This record does not exist or is not releasable to you.",
               403: "Your role does not allow this."}.get(status, exc.detail)
    return await error_page(request, status, message)


async def validation_error(request: Request, exc: Exception) -> Response:
    """A page's address or form that its route refused (``/incidents/abc``, a control
    character in a form): 422, saying what was wrong in words rather than field paths."""
    assert isinstance(exc, RequestValidationError)
    if not is_page(request):
        return await validation_error_json(request, exc)
    first: dict[str, Any] = next(iter(exc.errors()), {})
    if tuple(first.get("loc", ()))[:1] == ("path",):
        value = str(first.get("input", ""))
        return await error_page(request, 422, NOT_A_RECORD,
                                params={"value": value[:40] + ("…" if len(value) > 40 else "")})
    return await error_page(request, 422, CONTROL if first.get("type") == "control_character"
                            else UNREADABLE)


async def http_error(request: Request, exc: Exception) -> Response:
    """The framework's own refusals on pages: no such page (404), a method the address does not
    take (405, with an honest ``Allow``), a form it could not read (422)."""
    assert isinstance(exc, HTTPException)
    if not is_page(request) or exc.status_code not in (400, 404, 405):
        return await http_error_json(request, exc)
    if exc.status_code == 400:
        return await error_page(request, 422, UNREADABLE)
    if exc.status_code == 404:
        return await error_page(request, 404, NO_PAGE)
    allow = ", ".join(methods_at(request.app, request.url.path))
    return await error_page(request, 405, WRONG_METHOD, headers={"Allow": allow})


async def database_error(request: Request, exc: Exception) -> Response:
    """The database did not answer (503, ``Retry-After``) or its storage is full (507): the
    error page without the visitor's navigation bar, which would need the database to read
    their session; their language from the address, the cookie or the browser."""
    if not is_page(request):
        return await database_error_json(request, exc)
    status, _body, headers = database_refusal_logged(request, exc)
    page = Page(request, None, request.app.state.settings, request_locale(request, None))
    _ = page.fmt.gettext
    response = page.render("error.html", status_code=status, title=_(TITLES[status]),
                           message=_(STORAGE_FULL if status == 507 else DATABASE_DOWN))
    response.headers.update(headers)
    return response
