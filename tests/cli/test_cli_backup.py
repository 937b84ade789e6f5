"""`liptako backup` / `liptako restore`: a round trip gives back every row, the audit chain
holds, and a file that does not fit is refused with the database left as it was."""

from __future__ import annotations

import io
import json
import tarfile
import threading
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, Table, delete, inspect, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from factories.assistance import seed_assistance
from factories.audit import record_entries
from factories.auth import seed_cast
from factories.incidents import seed_events
from liptako.audit import service as audit
from liptako.auth.models import User
from liptako.cli.main import app
from liptako.core import migrate
from liptako.core.backup import create_backup
from liptako.core.clock import utcnow
from liptako.core.config import Settings
from liptako.core.db import Base, make_engine, make_session_factory, transaction
from liptako.incidents.models import Incident

runner = CliRunner()
Dump = dict[str, list[tuple[Any, ...]]]


def _cli(url: str, *args: str, input: str | None = None, **env: str) -> Any:
    return runner.invoke(app, list(args), input=input,
                         env={"LIPTAKO_DATABASE_URL": url, "LIPTAKO_PG_BIN_DIR": None, **env})


def _dump(url: str) -> Dump:
    """Every table's rows, ordered by primary key."""
    import liptako.models  # noqa: F401 - every table mapped

    tables = [*Base.metadata.sorted_tables, Table("alembic_version", MetaData(),
                                                  Column("version_num", String, primary_key=True))]
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) == {t.name for t in tables}
            return {table.name: [tuple(row) for row in conn.execute(
                select(table).order_by(*table.primary_key.columns))] for table in tables}
    finally:
        engine.dispose()


def _seed(url: str) -> None:
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            seed_assistance(session, seed_cast(session))
            seed_events(session, 12)
            record_entries(session, 5)
    finally:
        engine.dispose()


def _change(url: str) -> None:
    """Add, alter and delete rows, audit entries included."""
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            seed_events(session, 3)
            session.execute(update(Incident).values(description="changed after the backup"))
            session.execute(delete(User).where(User.username == "mli_observer"))
            record_entries(session, 2, action="incident.update")
    finally:
        engine.dispose()


def _backed_up(url: str, tmp_path: Path) -> tuple[Path, Dump]:
    _seed(url)
    before = _dump(url)
    out = tmp_path / "nightly.liptako"
    done = _cli(url, "backup", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert f"{out}" in done.output and "KiB" in done.output and "taken at" in done.output
    return out, before


def _without_restore_entry(dump: Dump) -> Dump:
    entries = dump["audit_entry"]
    action = entries[-1][5]
    assert action == "database.restore", entries[-1]
    return {**{k: v for k, v in dump.items() if k != "audit_head"}, "audit_entry": entries[:-1]}


def _rewrite(source: Path, target: Path, *, manifest: dict[str, Any] | None = None,
             flip_payload: bool = False) -> Path:
    """A copy of a backup with its manifest changed or a byte of its payload flipped."""
    with tarfile.open(source) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    meta = json.loads(members["manifest.json"])
    meta.update(manifest or {})
    members["manifest.json"] = json.dumps(meta).encode()
    if flip_payload:
        name = meta["payload"]
        data = bytearray(members[name])
        data[len(data) // 2] ^= 0x01
        members[name] = bytes(data)
    with tarfile.open(target, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def test_restore_refuses_what_does_not_fit_then_gives_back_every_row(
        fresh_database_url: str, tmp_path: Path) -> None:
    url = fresh_database_url
    out, before = _backed_up(url, tmp_path)
    assert len(before["incident"]) >= 15 and before["assistance_request"]
    _change(url)
    changed = _dump(url)
    assert changed != before
    _check_refusals(url, out, tmp_path, changed)
    done = _cli(url, "restore", str(out), "--yes")
    assert done.exit_code == 0, done.output
    assert done.output.startswith("restored the ") and "taken at" in done.output
    after = _dump(url)
    assert _without_restore_entry(after) == {k: v for k, v in before.items()
                                             if k != "audit_head"}
    verified = _cli(url, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    # the backup's entry went to the live database after the dump; the restore's into the
    # restored one, chained on the backup's last entry
    assert len(after["audit_entry"]) == len(before["audit_entry"]) + 1


def _check_refusals(url: str, out: Path, tmp_path: Path, changed: Dump) -> None:
    """Each file that does not fit: exit 2, a message saying why, the data as it was."""
    other = "postgresql" if url.startswith("sqlite") else "sqlite"
    head = ScriptDirectory.from_config(migrate.alembic_config(Settings(database_url=url)))
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup\n")
    cases = {
        junk: "not a liptako backup",
        _rewrite(out, tmp_path / "damaged", flip_payload=True): "checksum mismatch",
        _rewrite(out, tmp_path / "other", manifest={
            "backend": other, "payload": {"sqlite": "database.sqlite3",
                                          "postgresql": "database.pgdump"}[other]}):
            f"a {other} backup; the configured database is",
        _rewrite(out, tmp_path / "future", manifest={"revision": "9999"}):
            f"schema revision '9999' is newer than this code (expected "
            f"{head.get_current_head()}",
    }
    for path, message in cases.items():
        done = _cli(url, "restore", str(path), "--yes")
        assert done.exit_code == 2, (path, done.output)
        assert message in done.output, (path, done.output)
        assert _dump(url) == changed, path
    answered_no = _cli(url, "restore", str(out), input="n\n")
    assert answered_no.exit_code == 1 and "nothing changed" in answered_no.output
    assert _dump(url) == changed


def test_postgresql_without_pg_dump_says_what_to_install(
        database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("pg_dump serves PostgreSQL only")
    done = _cli(database_url, "backup", "--out", str(tmp_path / "b"),
                LIPTAKO_PG_BIN_DIR=str(tmp_path))
    assert done.exit_code == 2
    assert "pg_dump: expected PostgreSQL" in done.output
    assert "install postgresql-client-" in done.output
    assert not (tmp_path / "b").exists()


def test_a_backup_of_an_older_schema_is_migrated_forward(
        fresh_database_url: str, tmp_path: Path, pg_databases: Any) -> None:
    new_url = fresh_database_url
    settings = Settings(database_url=new_url)
    scripts = ScriptDirectory.from_config(migrate.alembic_config(settings))
    older = scripts.get_revision(scripts.get_current_head()).down_revision
    assert isinstance(older, str)
    old_url = (f"sqlite:///{tmp_path / 'old.db'}" if new_url.startswith("sqlite")
               else pg_databases.create())
    migrate.upgrade(Settings(database_url=old_url), older)
    create_backup(Settings(database_url=old_url), tmp_path / "old.liptako", now=utcnow())
    done = _cli(new_url, "restore", str(tmp_path / "old.liptako"), "--yes")
    assert done.exit_code == 0, done.output
    assert f"migrated from revision {older}" in done.output
    assert migrate.current(Settings(database_url=new_url))[0] == scripts.get_current_head()
    assert _cli(new_url, "audit", "verify").exit_code == 0


def test_sqlite_backup_while_another_connection_writes_is_consistent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    migrate.upgrade(Settings(database_url=url))
    engine = make_engine(url)
    factory = make_session_factory(engine)
    stop, written = threading.Event(), [0]

    def writer() -> None:
        while not stop.is_set():
            with transaction(factory) as session:
                _record(session, 20)
            written[0] += 20

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 60:
            stop.wait(0.01)
        backups = [create_backup(Settings(database_url=url), tmp_path / f"b{i}", now=utcnow())
                   for i in range(2)]
    finally:
        stop.set()
        thread.join()
        engine.dispose()
    for i, outcome in enumerate(backups):
        copy = f"sqlite:///{tmp_path / f'copy{i}.db'}"
        assert _cli(copy, "restore", str(outcome.path), "--yes").exit_code == 0
        verified = _cli(copy, "audit", "verify")
        assert verified.exit_code == 0, verified.output
        # whole transactions only: the restore's own entry comes on top of them
        entries = int(verified.output.split()[3])
        assert (entries - 1) % 20 == 0 and 60 <= entries - 1 <= written[0]


def _record(session: Session, n: int) -> None:
    for i in range(n):
        audit.record(session, actor=audit.SYSTEM, action="incident.create",
                     target_type="incident", target_id=i, now=utcnow(), after={"i": i})



def test_sqlite_restore_refuses_a_database_still_open_elsewhere(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    migrate.upgrade(Settings(database_url=url))
    out = tmp_path / "b.liptako"
    create_backup(Settings(database_url=url), out, now=utcnow())
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            _record(session, 3)
        before = _dump(url)
        with engine.connect():  # a server's pooled connection, idle
            done = _cli(url, "restore", str(out), "--yes")
        assert done.exit_code == 2, done.output
        assert "is in use" in done.output and "stop the server" in done.output
        assert _dump(url) == before
    finally:
        engine.dispose()
