"""Sign in and out of the pages, and choose the language."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from liptako.audit import service as audit
from liptako.auth import login as login_service
from liptako.core.clock import utcnow
from liptako.core.errors import DomainError
from liptako.web.deps import SessionDep
from liptako.web.i18n import LOCALES
from liptako.web.pages.common import LANG_COOKIE, LOGIN_CSRF_COOKIE, PageDep
from liptako.web.security import SESSION_COOKIE, client_address, make_session_cookie

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login")
def login_form(page: PageDep, next: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    response = page.render("login.html", login_csrf=token, next=_safe_next(next), error=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=page.settings.secure_cookies, max_age=3600)
    if page.request.query_params.get("lang") in LOCALES:
        response.set_cookie(LANG_COOKIE, page.locale, samesite="lax", max_age=365 * 86400,
                            secure=page.settings.secure_cookies)
    return response


@router.post("/login")
def login(page: PageDep, request: Request, session: SessionDep,
          username: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=200)],
          csrf_token: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        return page.render("login.html", status_code=400, login_csrf=cookie, next=next,
                           error=page.fmt.gettext("The form expired. Please try again."))
    settings = page.settings
    try:
        user = login_service.login(
            session, username=username, password=password, address=client_address(request),
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_window_seconds, now=utcnow())
    except DomainError as exc:
        session.commit()
        message = ("Too many failed attempts. Try again later." if exc.code == "rate_limited"
                   else "Wrong user name or password.")
        return page.render("login.html", status_code=401, login_csrf=cookie, next=next,
                           error=page.fmt.gettext(message))
    if user.locale != page.locale:  # the language the login page was read in is kept
        audit.record(session, actor=audit.Actor(user.id, user.username, user.state),
                     action="user.locale", target_type="user", target_id=user.id,
                     now=utcnow(), before={"locale": user.locale},
                     after={"locale": page.locale})
        user.locale = page.locale
    value, _csrf = make_session_cookie(settings, user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, value, httponly=True, samesite="lax",
                        secure=settings.secure_cookies, max_age=settings.session_hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(page: PageDep, session: SessionDep,
           csrf_token: Annotated[str, Form()] = "") -> Response:
    principal = page.require()
    page.check_csrf(csrf_token)
    principal.user.session_epoch += 1  # every page session of this account ends here
    audit.record(session, actor=principal.actor, action="auth.logout", target_type="user",
                 target_id=principal.user.id, now=utcnow())
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
def choose_language(page: PageDep, session: SessionDep,
                    locale: Annotated[str, Form(pattern="^(fr|en)$")],
                    csrf_token: Annotated[str, Form()] = "",
                    next: Annotated[str, Form()] = "/") -> Response:
    """Remember the language: on the account when signed in, and in a cookie."""
    if page.principal is not None:
        page.check_csrf(csrf_token)
        user = page.principal.user
        if user.locale != locale:
            audit.record(session, actor=page.principal.actor, action="user.locale",
                         target_type="user", target_id=user.id, now=utcnow(),
                         before={"locale": user.locale}, after={"locale": locale})
            user.locale = locale
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, locale, samesite="lax", max_age=365 * 86400,
                        secure=page.settings.secure_cookies)
    return response


