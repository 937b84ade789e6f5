"""What one server process remembers of recent callers, so the API's hot paths skip re-checks.

Two memories, both per process and bounded:

- verified access tokens: a token's signature and audience are checked once; its expiry is
  checked on every use, so a remembered token stops working the moment it expires;
- users: the account behind a token (state, roles, active) for ``seconds`` at most. A user
  deactivated or given other roles is seen so on the hot paths within that time (every other
  route reads the account afresh). ``seconds = 0`` turns this memory off.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from liptako.auth.models import User
from liptako.auth.tokens import AccessClaims


@dataclass(frozen=True)
class UserFacts:
    """What the hot paths need of an account, copied out of any session."""

    id: int
    username: str
    state: str
    roles: tuple[str, ...]
    locale: str
    full_name: str | None

    @classmethod
    def of(cls, user: User) -> UserFacts:
        return cls(user.id, user.username, user.state, tuple(user.roles), user.locale,
                   user.full_name)

    def as_user(self) -> User:
        """A transient account object (never added to a session) for code typed on User."""
        return User(id=self.id, username=self.username, state=self.state,
                    roles=list(self.roles), locale=self.locale, full_name=self.full_name,
                    is_active=True)


class RecentCallers:
    """The two memories; thread-safe (the server's worker threads share them)."""

    def __init__(self, *, user_seconds: float, max_entries: int = 4096,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.user_seconds = user_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._claims: OrderedDict[str, AccessClaims] = OrderedDict()
        self._users: dict[int, tuple[float, UserFacts]] = {}

    def claims(self, token: str) -> AccessClaims | None:
        with self._lock:
            found = self._claims.get(token)
            if found is not None:
                self._claims.move_to_end(token)
            return found

    def remember_claims(self, token: str, claims: AccessClaims) -> None:
        with self._lock:
            self._claims[token] = claims
            while len(self._claims) > self.max_entries:
                self._claims.popitem(last=False)

    def user(self, user_id: int) -> UserFacts | None:
        if self.user_seconds <= 0:
            return None
        with self._lock:
            found = self._users.get(user_id)
            if found is None or found[0] <= self._clock():
                self._users.pop(user_id, None)
                return None
            return found[1]

    def remember_user(self, facts: UserFacts) -> None:
        if self.user_seconds <= 0:
            return
        with self._lock:
            if len(self._users) >= self.max_entries:
                self._users.clear()
            self._users[facts.id] = (self._clock() + self.user_seconds, facts)

    def forget_user(self, user_id: int) -> None:
        with self._lock:
            self._users.pop(user_id, None)
