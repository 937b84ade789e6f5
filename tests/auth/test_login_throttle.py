"""Login throttling holds under concurrency and never locks an owner out (issue 17, point 2).

Attempts are reserved per address and per account+address before the password is checked,
in one statement each; an account's attempts from everywhere only slow it down. Unknown names
cost a password check like known ones. Passwords are refused when common or built on the
user name.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy.orm import Session

from factories.auth import PASSWORD, seed_cast
from liptako.auth import login as login_service
from liptako.auth import service as users
from liptako.auth.rules import check_password
from liptako.core.db import make_engine, make_session_factory
from liptako.core.errors import DomainError

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
LIMIT, WINDOW = 5, 900


def _counting_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    checked: list[str] = []
    real = users.verify_password

    def verify(password_hash: str, password: str) -> bool:
        checked.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(users, "verify_password", verify)
    return checked


def _try(session: Session, name: str, password: str, address: str,
         slept: list[float] | None = None) -> str:
    try:
        login_service.login(session, username=name, password=password, address=address,
                            max_failures=LIMIT, window_seconds=WINDOW, now=NOW,
                            sleep=(slept.append if slept is not None else lambda _s: None))
    except DomainError as exc:
        session.commit()  # as the routes do: the reservation and the audit entry stay
        return exc.code
    session.commit()
    return "ok"


def test_forty_parallel_guesses_check_at_most_the_limit(
        fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(fresh_database_url)
    factory = make_session_factory(engine)
    with factory() as session:
        seed_cast(session)
        session.commit()
    checked = _counting_checks(monkeypatch)
    outcomes: list[str] = []

    def guess(i: int) -> None:
        with factory() as session:
            outcomes.append(_try(session, "sec", f"wrong guess {i}", "203.0.113.9"))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert len(outcomes) == 40
    assert len(checked) <= LIMIT, f"{len(checked)} passwords checked"
    assert outcomes.count("unauthenticated") == len(checked)
    assert outcomes.count("rate_limited") == 40 - len(checked)


def test_a_stranger_does_not_lock_the_owner_out_of_their_address(session: Session) -> None:
    seed_cast(session)
    stranger = [_try(session, "bfa_analyst", "wrong", "198.51.100.7") for _ in range(12)]
    assert stranger[:LIMIT] == ["unauthenticated"] * LIMIT
    assert set(stranger[LIMIT:]) == {"rate_limited"}
    slept: list[float] = []
    assert _try(session, "bfa_analyst", PASSWORD, "192.0.2.1", slept) == "ok"
    # the owner got in from their own address, only slowed by the account's attempts
    assert slept == [0.25]
    for _ in range(3):
        _try(session, "bfa_analyst", "wrong", f"192.0.2.{_ + 10}")
    delays: list[float] = []
    _try(session, "bfa_analyst", PASSWORD, "192.0.2.1", delays)
    assert delays == [0.0]  # the success released the account's count


def test_guesses_from_many_addresses_slow_the_account_down(session: Session) -> None:
    seed_cast(session)
    slept: list[float] = []
    for i in range(LIMIT + 3):
        assert _try(session, "ner_analyst", "wrong", f"198.51.100.{i}", slept) \
            == "unauthenticated"
    assert slept == [0.0] * LIMIT + [0.25, 0.5, 1.0]
    assert login_service.delay_after(100, LIMIT) == login_service.MAX_DELAY_SECONDS


def test_unknown_names_cost_a_password_check_too(session: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    seed_cast(session)
    checked = _counting_checks(monkeypatch)
    assert _try(session, "nobody-at-all", "some password", "192.0.2.50") == "unauthenticated"
    assert _try(session, "sec", "some password", "192.0.2.51") == "unauthenticated"
    assert checked == ["some password", "some password"]


@pytest.mark.parametrize(("password", "reason"), [
    ("short", "at least 12"),
    ("password1234", "most common"),
    ("qwertyuiop123", "most common"),
    ("awa-secret-awa", "user name"),
])
def test_weak_passwords_are_refused(password: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_password(password, "awa")
    assert check_password("correct horse battery staple", "awa")
