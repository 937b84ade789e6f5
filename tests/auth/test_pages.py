from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.auth import PASSWORD
from liptako.audit.models import AuditEntry
from liptako.auth.models import User
from liptako.core.config import Settings
from liptako.web.app import create_app
from liptako.web.deps import get_session
from liptako.web.pages.common import LOGIN_CSRF_COOKIE
from liptako.web.security import SESSION_COOKIE


def _login(client: TestClient, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    client.get("/login")
    return client.post("/login", follow_redirects=False, data={
        "username": username, "password": password, "next": "/",
        "csrf_token": client.cookies.get(LOGIN_CSRF_COOKIE) or ""})


def test_session_cookie_flags(client: TestClient, cast: dict[str, User]) -> None:
    response = _login(client, "sec")
    assert response.status_code == 303
    cookie = next(h for h in response.headers.get_list("set-cookie")
                  if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie


def test_secure_cookie_outside_dev(settings: Settings, session: Session,
                                   cast: dict[str, User]) -> None:
    prod = Settings(env="prod", database_url=settings.database_url, secret_key="p" * 40)
    app = create_app(prod)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app, base_url="https://testserver") as client:
        response = _login(client, "sec")
    cookie = next(h for h in response.headers.get_list("set-cookie")
                  if h.startswith(SESSION_COOKIE))
    assert "Secure" in cookie
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_login_form_needs_its_csrf_token(client: TestClient, cast: dict[str, User]) -> None:
    client.get("/login")
    response = client.post("/login", follow_redirects=False, data={
        "username": "sec", "password": PASSWORD, "csrf_token": "forged", "next": "/"})
    assert response.status_code == 400
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_cookie_session_cannot_change_state_without_csrf(client: TestClient,
                                                         cast: dict[str, User]) -> None:
    _login(client, "bfa_analyst")
    api = client.post("/api/v1/auth/api-tokens", json={"name": "x"})
    assert api.status_code == 403 and "csrf" in api.json()["detail"]
    logout = client.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert logout.status_code == 403


def test_logout_ends_the_session_and_is_audited(client: TestClient, session: Session,
                                                cast: dict[str, User]) -> None:
    _login(client, "bfa_analyst")
    page = client.get("/incidents/new")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303
    assert "auth.logout" in session.scalars(select(AuditEntry.action)).all()


def test_open_redirects_are_refused(client: TestClient, cast: dict[str, User]) -> None:
    client.get("/login")
    response = client.post("/login", follow_redirects=False, data={
        "username": "sec", "password": PASSWORD, "next": "//evil.example/",
        "csrf_token": client.cookies.get(LOGIN_CSRF_COOKIE) or ""})
    assert response.headers["location"] == "/"


def test_the_login_pages_language_is_kept_by_the_account(client: TestClient, session: Session,
                                                         cast: dict[str, User]) -> None:
    """Chosen on the login page, or the browser's on a first visit, then kept wherever the
    account signs in next."""
    client.get("/login?lang=en")  # the choice made on the login page
    assert _login(client, "ner_analyst").status_code == 303
    assert cast["ner_analyst"].locale == "en"
    client.cookies.clear()
    english = {"accept-language": "en-GB,en;q=0.9"}  # a first visit from an English browser
    client.get("/login", headers=english)
    assert client.post("/login", follow_redirects=False, headers=english, data={
        "username": "bfa_analyst", "password": PASSWORD, "next": "/",
        "csrf_token": client.cookies.get(LOGIN_CSRF_COOKIE) or ""}).status_code == 303
    assert cast["bfa_analyst"].locale == "en"
    assert '<html lang="en"' in client.get("/").text  # no header now: the account's own
    changed = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.locale")).all()
    assert len(changed) == 2
