import datetime as dt
import json

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from liptako.audit.models import AuditEntry
from liptako.auth.models import ApiToken, User
from liptako.core.clock import month_id, month_start
from liptako.core.db import json_text, make_engine


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


def test_json_columns_are_stored_compact_and_as_written(session: Session) -> None:
    """JSON columns are written by orjson: compact, text beyond ASCII as it is; read back as
    the values written."""
    user = _user("json")
    user.roles = ["analyst", "Ségou"]
    session.add(user)
    session.flush()
    stored = session.execute(text("SELECT roles FROM user_account WHERE id = :id"),
                             {"id": user.id}).scalar_one()
    assert stored in ('["analyst","Ségou"]', ["analyst", "Ségou"])  # PostgreSQL's json: parsed
    raw = session.execute(text("SELECT CAST(roles AS TEXT) FROM user_account WHERE id = :id"),
                          {"id": user.id}).scalar_one()
    assert raw == '["analyst","Ségou"]'
    session.expire_all()
    back = session.get(User, user.id)
    assert back is not None and back.roles == ["analyst", "Ségou"]


def test_json_text_writes_what_the_standard_library_reads() -> None:
    value = {"place": "Ségou", "n": 1.5, 7: ["x", None, True], "nested": {"b": 2, "a": 1}}
    expected = '{"place":"Ségou","n":1.5,"7":["x",null,true],"nested":{"b":2,"a":1}}'
    assert json_text(value) == expected
    assert json.loads(json_text(value)) == json.loads(json.dumps(value))


def test_the_migrations_build_the_schema_the_models_declare(engine: Engine) -> None:
    """Every table, column, type and index of the models comes from an Alembic revision."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from liptako.models import Base

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
