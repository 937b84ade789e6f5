"""The load bench's own few requests (setting up, checking), on the standard library."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

SESSION_COOKIE = "liptako_session"


class Refused(RuntimeError):
    """The server answered with another status than the one expected."""


def call(base: str, method: str, path: str, *, expect: int, token: str | None = None,
         body: dict[str, Any] | None = None, form: dict[str, str] | None = None,
         accept: str = "application/json") -> Any:
    """The decoded JSON answer of one request; Refused when the status is not ``expect``."""
    headers = {"Accept": accept}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    if status != expect:
        raise Refused(f"{method} {path}: expected {expect}, got {status}: {raw[:500]!r}")
    return json.loads(raw) if raw else None


def page_cookie(base: str, username: str, password: str) -> str:
    """The page session cookie of a login through the login form (its CSRF token too)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login", timeout=60) as response:
        form = response.read().decode()
    found = re.search(r'name="csrf_token"\s+value="([^"]+)"', form)
    if found is None:
        raise Refused("GET /login: expected a form with csrf_token")
    data = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrf_token": found.group(1), "next": "/"}).encode()
    with opener.open(base + "/login", data=data, timeout=60):
        pass
    cookie = next((c.value for c in jar if c.name == SESSION_COOKIE), None)
    if cookie is None:
        raise Refused(f"POST /login as {username}: expected a session cookie")
    return cookie
