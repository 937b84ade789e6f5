"""Authentication: the OAuth2 password flow, the caller's identity, machine tokens, users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from liptako.auth import login as login_service
from liptako.auth import service as users
from liptako.auth import tokens
from liptako.auth.models import ApiToken
from liptako.auth.rules import ROLES, SECRETARIAT
from liptako.core.clock import utcnow
from liptako.core.errors import DomainError
from liptako.web.deps import RecordId, SessionDep, SettingsDep
from liptako.web.errors import error_responses
from liptako.web.security import CurrentPrincipal, Principal, client_address, require_roles

router = APIRouter(prefix="/auth", tags=["auth"])
users_router = APIRouter(prefix="/users", tags=["users"])
AdminDep = Annotated[Principal, Depends(require_roles("admin"))]


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type
    expires_in: int


class Me(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    state: str
    roles: list[str]
    full_name: str | None
    locale: str
    is_active: bool


class ApiTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)


class ApiTokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    created_at: str | None = None
    revoked: bool = False


class ApiTokenCreated(ApiTokenOut):
    token: str


@router.post("/token", response_model=TokenOut, responses=error_responses(429))
def issue_token(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()],
                session: SessionDep, settings: SettingsDep) -> TokenOut:
    """Exchange a user name and password for a short-lived bearer token."""
    try:
        user = login_service.login(
            session, username=form.username, password=form.password,
            address=client_address(request), max_failures=settings.login_max_failures,
            window_seconds=settings.login_window_seconds, now=utcnow())
    except DomainError:
        session.commit()  # the failure and its audit entry must outlive the refusal
        raise
    token = tokens.issue_access_token(user, secret=settings.secret_key,
                                      minutes=settings.access_token_minutes, now=utcnow())
    return TokenOut(access_token=token, expires_in=settings.access_token_minutes * 60)


@router.get("/me", response_model=Me)
def me(principal: CurrentPrincipal) -> Me:
    """The authenticated user."""
    return Me.model_validate(principal.user)


def _token_out(token: ApiToken) -> ApiTokenOut:
    return ApiTokenOut(id=token.id, name=token.name, created_at=token.created_at.isoformat(),
                       revoked=token.revoked_at is not None)


@router.post("/api-tokens", response_model=ApiTokenCreated, status_code=status.HTTP_201_CREATED)
def create_api_token(body: ApiTokenIn, principal: CurrentPrincipal,
                     session: SessionDep) -> ApiTokenCreated:
    """A named machine token for the caller; its value is shown only in this answer."""
    token, clear = tokens.create_api_token(session, user=principal.user, name=body.name,
                                           actor=principal.actor, now=utcnow())
    return ApiTokenCreated(**_token_out(token).model_dump(), token=clear)


@router.get("/api-tokens", response_model=list[ApiTokenOut])
def list_api_tokens(principal: CurrentPrincipal, session: SessionDep) -> list[ApiTokenOut]:
    """The caller's machine tokens (never their values)."""
    return [_token_out(t) for t in tokens.list_api_tokens(session, owner=principal.user)]


@router.delete("/api-tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_api_token(token_id: RecordId, principal: CurrentPrincipal, session: SessionDep) -> None:
    """Revoke one of the caller's machine tokens (an administrator: of an account it
    manages)."""
    tokens.revoke_api_token(session, token_id=token_id, owner=principal.user,
                            actor=principal.actor, now=utcnow())


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=12, max_length=200)
    state: str = Field(pattern=r"^(BFA|MLI|NER|SEC)$")
    roles: list[str] = Field(min_length=1, json_schema_extra={"items": {"enum": list(ROLES)}})
    full_name: str | None = Field(default=None, max_length=200)


@users_router.get("", response_model=list[Me])
def list_users(admin: AdminDep, session: SessionDep) -> list[Me]:
    """The users an administrator manages: a member state's, or all for the secretariat's."""
    state = None if admin.user.state == SECRETARIAT else admin.user.state
    return [Me.model_validate(u) for u in users.list_users(session, state=state)]


@users_router.post("", response_model=Me, status_code=status.HTTP_201_CREATED)
def create_user(body: UserIn, admin: AdminDep, session: SessionDep) -> Me:
    """Create a user: a member state's administrator in its own state, without the roles
    the secretariat's administrators keep (admin, secretariat)."""
    user = users.create_user(session, username=body.username, password=body.password,
                             state=body.state, roles=body.roles, actor=admin.actor,
                             now=utcnow(), full_name=body.full_name)
    return Me.model_validate(user)


@users_router.post("/{user_id}/disable", response_model=Me)
def disable_user(user_id: RecordId, admin: AdminDep, session: SessionDep) -> Me:
    """Disable an account the administrator manages: its sessions and tokens stop at once."""
    return _set_active(session, admin, user_id, active=False)


@users_router.post("/{user_id}/enable", response_model=Me)
def enable_user(user_id: RecordId, admin: AdminDep, session: SessionDep) -> Me:
    """Enable again an account the administrator manages."""
    return _set_active(session, admin, user_id, active=True)


def _set_active(session: Session, admin: Principal, user_id: int, *, active: bool) -> Me:
    user = users.managed_user(session, user_id, actor=admin.actor,
                              action="user.enable" if active else "user.disable", now=utcnow())
    return Me.model_validate(users.set_active(session, user=user, active=active,
                                              actor=admin.actor, now=utcnow()))


class PasswordReset(BaseModel):
    username: str
    password: str = Field(description="shown once: hand it over, it is never stored in clear")


@users_router.post("/{user_id}/reset-password", response_model=PasswordReset)
def reset_password(user_id: RecordId, admin: AdminDep, session: SessionDep,
                   response: Response) -> PasswordReset:
    """A new random password for an account the administrator manages; its sessions end."""
    response.headers["cache-control"] = "no-store"
    user = users.managed_user(session, user_id, actor=admin.actor, action="user.password",
                              now=utcnow())
    clear = users.reset_password(session, user=user, actor=admin.actor, now=utcnow())
    return PasswordReset(username=user.username, password=clear)
