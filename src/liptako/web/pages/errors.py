"""Errors on pages are pages: a login redirect, or a short message in the user's language."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from liptako.core.errors import DomainError
from liptako.web.errors import domain_error_json, status_for
from liptako.web.i18n import LANGUAGE_NAMES, LOCALES, Formatter, pick_locale
from liptako.web.pages.common import LANG_COOKIE, TEMPLATES, LoginRequired, login_redirect

TITLES = {404: "Not found", 403: "Not allowed", 409: "Conflict", 422: "Invalid request"}


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/taxii2"))


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if not is_page(request):
        return await domain_error_json(request, exc)
    if isinstance(exc, LoginRequired) or exc.code == "unauthenticated":
        return login_redirect(request.url.path)
    status = status_for(exc)
    locale = pick_locale(request.cookies.get(LANG_COOKIE),
                         accept_language=request.headers.get("accept-language"))
    fmt = Formatter(locale)
    message = {404: "This record does not exist or is not releasable to you.",
               403: "Your role does not allow this."}.get(status, exc.detail)
    return TEMPLATES.TemplateResponse(request, "error.html", {
        "_": fmt.gettext, "fmt": fmt, "locale": locale, "locales": LOCALES,
        "language_names": LANGUAGE_NAMES, "principal": None,
        "user": None, "csrf": None, "path": request.url.path,
        "title": fmt.gettext(TITLES.get(status, "Error")), "message": fmt.gettext(message)},
        status_code=status)
