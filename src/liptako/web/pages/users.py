"""Administrators' page: the accounts they manage, a new account, disable, enable, reset."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from liptako.auth import service as users
from liptako.auth.passwords import random_password
from liptako.auth.rules import ROLES, SECRETARIAT, SECRETARIAT_ROLES
from liptako.core.clock import utcnow
from liptako.core.errors import Conflict, RuleViolation
from liptako.web.deps import RecordId, SessionDep
from liptako.web.pages.common import Page, PageDep

router = APIRouter(include_in_schema=False)
ADMIN = "admin"


def _render(page: Page, session: Session, *, status_code: int = 200,
            values: dict[str, str] | None = None, error: str | None = None,
            issued: tuple[str, str] | None = None, done: str | None = None) -> Response:
    admin = page.require(ADMIN)
    state = None if admin.user.state == SECRETARIAT else admin.user.state
    _ = page.fmt.gettext
    role_names = {"admin": _("Administrator"), "secretariat": _("Secretariat"),
                  "liaison": _("Liaison officer"), "analyst": _("Analyst"),
                  "observer": _("Observer")}
    response = page.render(
        "users.html", status_code=status_code, accounts=users.list_users(session, state=state),
        states=[state] if state else ["BFA", "MLI", "NER", SECRETARIAT],
        roles=[r for r in ROLES if state is None or r not in SECRETARIAT_ROLES],
        role_names=role_names, values=values or {}, error=error, issued=issued, done=done)
    if issued:  # a password shown once is never kept by the browser
        response.headers["cache-control"] = "no-store"
    return response


@router.get("/admin/users")
def accounts(page: PageDep, session: SessionDep) -> Response:
    return _render(page, session, done=page.request.query_params.get("done"))


@router.post("/admin/users")
async def create(page: PageDep, request: Request, session: SessionDep) -> Response:
    admin = page.require(ADMIN)
    form = await request.form()
    page.check_csrf(str(form.get("csrf_token", "")))
    values = {k: str(form.get(k, "")).strip() for k in ("username", "full_name", "state")}
    roles = [str(r) for r in form.getlist("roles")]
    clear = random_password()  # shown once, to hand over
    try:
        user = users.create_user(session, username=values["username"],
                                 password=clear, state=values["state"],
                                 roles=roles, actor=admin.actor, now=utcnow(),
                                 full_name=values["full_name"] or None)
    except (RuleViolation, Conflict) as exc:
        return _render(page, session, status_code=422 if isinstance(exc, RuleViolation)
                       else 409, values=values, error=exc.detail)
    return _render(page, session, status_code=201, issued=(user.username, clear))


@router.post("/admin/users/{user_id}/act")
async def act(user_id: RecordId, page: PageDep, request: Request,
              session: SessionDep) -> Response:
    admin = page.require(ADMIN)
    form = await request.form()
    page.check_csrf(str(form.get("csrf_token", "")))
    action = str(form.get("action", ""))
    if action not in ("disable", "enable", "reset-password"):
        return _render(page, session, status_code=422,
                       error=page.fmt.gettext("Choose an action."))
    audit_action = {"disable": "user.disable", "enable": "user.enable",
                    "reset-password": "user.password"}[action]
    user = users.managed_user(session, user_id, actor=admin.actor, action=audit_action,
                              now=utcnow())
    if action == "reset-password":
        clear = users.reset_password(session, user=user, actor=admin.actor, now=utcnow())
        return _render(page, session, issued=(user.username, clear))
    try:
        users.set_active(session, user=user, active=action == "enable", actor=admin.actor,
                         now=utcnow())
    except Conflict as exc:
        return _render(page, session, status_code=409, error=exc.detail)
    return RedirectResponse(f"/admin/users?done={action}", status_code=303)
