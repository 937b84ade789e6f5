import datetime as dt
import json

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from liptako.audit.models import AuditEntry
from liptako.auth.models import ApiToken, User
from liptako.core.clock import month_id, month_start
from liptako.core.db import as_stored, insert_numbered, json_text, make_engine


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


def _entry(seq: int, detail: object, text_: str) -> dict[str, object]:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    return {"seq": seq, "at": dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=plus_two),
            "actor_id": None, "actor_name": text_, "actor_state": "BFA",
            "action": "test.copy", "target_type": "incident", "target_id": text_,
            "before_digest": None, "after_digest": "a" * 64, "detail": detail,
            "prev_hash": "0" * 64, "hash": f"{seq:064d}"}


def _stored(session: Session, seq: int) -> dict[str, object]:
    row = session.execute(text(
        "SELECT at, actor_id, actor_name, actor_state, target_id, before_digest, detail, "
        "detail IS NULL AS sql_null FROM audit_entry WHERE seq = :s"), {"s": seq}).one()
    return dict(row._mapping)


@pytest.mark.parametrize("detail", [
    {"incidents": 3, "note": "é\t\\n \"quoted\"", "ids": [1, 2], "nested": {"x": None}},
    None,
])
def test_rows_inserted_in_bulk_are_stored_as_an_insert_stores_them(
        session: Session, detail: object) -> None:
    from sqlalchemy import insert

    from liptako.core.db import insert_rows

    awkward = "tab\there, new\nline, back\\slash, \\N, 'single' \"double\" é ✓"
    table = AuditEntry.__table__
    session.execute(insert(table), [_entry(900_001, detail, awkward)])
    insert_rows(session, table, [_entry(900_002, detail, awkward),  # type: ignore[arg-type]
                                 _entry(900_003, detail, awkward)])
    by_insert, by_bulk = _stored(session, 900_001), _stored(session, 900_003)
    assert by_bulk == by_insert
    assert by_bulk["actor_name"] == awkward and by_bulk["actor_id"] is None
    assert by_bulk["before_digest"] is None
    insert_rows(session, table, [])  # type: ignore[arg-type]


def test_rows_inserted_in_bulk_get_the_defaults_of_the_columns_left_out(
        session: Session) -> None:
    from liptako.core.db import column_keys, insert_numbered
    from liptako.incidents.models import Incident

    row = dict.fromkeys(column_keys(Incident))
    for key in ("id", "version", "tlp", "audience", "actor_ids", "feature"):
        del row[key]  # each with a default of its own
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    row.update(source="national", source_id="BFA-bulk-defaults", content_hash="c" * 64,
               occurred_on=dt.date(2026, 2, 1), event_type="battles", originator="BFA",
               created_at=now, updated_at=now)
    (ident,) = insert_numbered(session, Incident, [row])
    stored = session.execute(text("SELECT version, tlp, audience, actor_ids FROM incident "
                                  "WHERE id = :i"), {"i": ident}).one()
    assert tuple(stored) == (1, "CLEAR", "", "")


def test_rows_inserted_in_bulk_fail_as_an_insert_fails(session: Session) -> None:
    from liptako.core.db import insert_rows

    table = AuditEntry.__table__
    insert_rows(session, table, [_entry(900_010, None, "first")])  # type: ignore[arg-type]
    with pytest.raises(IntegrityError, match="audit_entry"):
        insert_rows(session, table, [_entry(900_011, None, "ok"),  # type: ignore[arg-type]
                                     _entry(900_010, None, "same key")])


def test_rows_inserted_in_bulk_go_past_the_statement_layer_on_postgresql(
        session: Session) -> None:
    """One COPY on PostgreSQL, not an INSERT per row (the group commit's hot path)."""
    from sqlalchemy import event

    from liptako.core.db import insert_rows

    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    seen: list[str] = []
    engine = session.get_bind()

    def spy(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", spy)
    try:
        insert_rows(session, AuditEntry.__table__,  # type: ignore[arg-type]
                    [_entry(900_020 + i, {"i": i}, "x") for i in range(5)])
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert not [s for s in seen if s.lstrip().upper().startswith("INSERT")]
    count = session.execute(text("SELECT count(*) FROM audit_entry WHERE seq >= 900020 "
                                 "AND seq < 900025")).scalar_one()
    assert count == 5


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
