import datetime as dt

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from liptako.audit.models import AuditEntry
from liptako.auth.models import ApiToken, User
from liptako.core.clock import month_id, month_start
from liptako.core.db import as_stored, insert_numbered, make_engine


def _user(name: str) -> User:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    return User(username=name, password_hash="x", state="MLI", roles=["analyst"],
                created_at=dt.datetime(2024, 5, 11, 12, 0, tzinfo=plus_two))


def test_timestamps_come_back_utc_aware(session: Session) -> None:
    session.add(_user("tz"))
    session.flush()
    session.expire_all()
    got = session.query(User).filter_by(username="tz").one().created_at
    assert got.tzinfo is not None
    assert got.utcoffset() == dt.timedelta(0)
    assert got == dt.datetime(2024, 5, 11, 10, 0, tzinfo=dt.UTC)


def test_naive_timestamps_are_refused(session: Session) -> None:
    user = _user("naive")
    user.created_at = dt.datetime(2024, 1, 1)
    session.add(user)
    with pytest.raises(StatementError, match="timezone-aware"):
        session.flush()


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(ApiToken(user_id=999_999, name="x", token_hash="h" * 64,
                         created_at=dt.datetime.now(dt.UTC)))
    with pytest.raises(IntegrityError):
        session.flush()


def test_savepoint_rolls_back_only_the_inner_part(session: Session) -> None:
    session.add(_user("outer"))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(_user("outer"))
        session.flush()
    assert session.query(User).filter_by(username="outer").count() == 1


def test_sqlite_runs_wal_with_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine: Engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_migrated_schema_has_the_tables(session: Session) -> None:
    assert session.query(AuditEntry).count() >= 0
    assert session.query(User).count() >= 0


def test_month_id_round_trip() -> None:
    assert month_id(dt.date(1980, 1, 1)) == 1
    assert month_id(dt.date(2023, 9, 16)) == 525
    for mid in (1, 12, 13, 525, 600):
        assert month_id(month_start(mid)) == mid


def test_rows_inserted_numbered_come_back_in_order_and_persistent(session: Session) -> None:
    rows = [{"username": f"bulk{i}", "password_hash": "x", "state": "NER",
             "roles": ["observer"], "created_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}
            for i in range(5)]
    ids = insert_numbered(session, User, rows)
    assert len(set(ids)) == 5
    stored = dict(session.execute(text(
        "SELECT id, username FROM user_account WHERE username LIKE 'bulk%'")).all())
    assert stored == {ident: row["username"] for ident, row in zip(ids, rows, strict=True)}
    assert insert_numbered(session, User, []) == []

    # made persistent without SQL: the session's own instance, changes to it flushed
    user = as_stored(session, User, {**rows[0], "id": ids[0]})
    assert session.get(User, ids[0]) is user
    assert inspect(user).persistent and not session.dirty
    user.state = "MLI"
    session.flush()
    assert session.execute(text("SELECT state FROM user_account WHERE id = :i"),
                           {"i": ids[0]}).scalar_one() == "MLI"
