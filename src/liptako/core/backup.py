"""Backups of the whole database and their restore, on SQLite and on PostgreSQL.

A backup is one file, a POSIX tar archive holding two members:

- ``manifest.json``: ``{"format": "liptako-backup", "version": 1, "backend": "sqlite" |
  "postgresql", "revision": <alembic revision of the schema>, "taken_at": <ISO 8601 UTC>,
  "payload": <member name>, "size": <payload bytes>, "sha256": <payload digest>}``;
- the payload: a SQLite database file (``database.sqlite3``, taken with SQLite's online
  backup API) or a ``pg_dump --format=custom`` archive (``database.pgdump``).

One file rather than a manifest beside it: a copy made off-host cannot lose half of itself,
and ``tar tf FILE`` / ``tar xOf FILE manifest.json`` read it without liptako. A restore reads
and checks everything (format, digest, backend, schema) before it touches the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from alembic.script import ScriptDirectory
from alembic.util import CommandError

from liptako.core import migrate, pgtools
from liptako.core.config import Settings

FORMAT = "liptako-backup"
VERSION = 1
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_CHUNK = 1 << 20

Step = Callable[[str], None]


class BackupError(Exception):
    """A backup that cannot be taken or a file that must not be restored; says why."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds: enough for a restore to refuse a file that does not fit."""

    backend: str
    revision: str
    taken_at: str
    payload: str
    size: int
    sha256: str
    format: str = FORMAT
    version: int = VERSION

    def as_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def parse(cls, raw: bytes, where: str) -> Manifest:
        """The manifest from its JSON; BackupError naming the field that is wrong."""
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise BackupError(f"{where}: {MANIFEST} is not JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(f"{where}: not a liptako backup ({MANIFEST} has no "
                              f'"format": "{FORMAT}")')
        if data.get("version") != VERSION:
            raise BackupError(f"{where}: backup format version {data.get('version')!r}, "
                              f"expected {VERSION}")
        fields = {"backend": str, "revision": str, "taken_at": str, "payload": str,
                  "size": int, "sha256": str}
        for name, kind in fields.items():
            if not isinstance(data.get(name), kind):
                raise BackupError(f"{where}: {MANIFEST} field {name!r}: expected "
                                  f"{kind.__name__}, got {data.get(name)!r}")
        if data["backend"] not in PAYLOADS or data["payload"] != PAYLOADS[data["backend"]]:
            raise BackupError(f"{where}: {MANIFEST}: unknown backend {data['backend']!r} "
                              f"or payload {data['payload']!r}")
        return cls(**{name: data[name] for name in fields})


@dataclass(frozen=True)
class Outcome:
    """What a backup or a restore did, for its summary line and its audit entry."""

    manifest: Manifest
    path: Path
    file_bytes: int
    seconds: float
    migrated_from: str | None = None


def backend_of(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"


# --- backup --------------------------------------------------------------------------------


def create_backup(settings: Settings, out: Path, *, now: dt.datetime,
                  step: Step = lambda _: None) -> Outcome:
    """Write a backup of the configured database to ``out`` (replaced atomically)."""
    started = _clock()
    backend = backend_of(settings)
    revision, _head = migrate.current(settings)
    if revision is None:
        raise BackupError("the database has no schema yet: nothing to back up")
    out = out.expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".liptako-backup-", dir=out.parent) as work:
        payload = Path(work) / PAYLOADS[backend]
        step("dump")
        if backend == "sqlite":
            _sqlite_snapshot(_sqlite_file(settings), payload)
        else:
            pgtools.dump(settings, payload)
        step("checksum")
        manifest = Manifest(backend=backend, revision=revision,
                            taken_at=now.astimezone(dt.UTC).isoformat(), payload=payload.name,
                            size=payload.stat().st_size, sha256=_sha256(payload))
        step("archive")
        staged = Path(work) / "backup.tar"
        _write_archive(staged, manifest, payload)
        os.replace(staged, out)
    _fsync_dir(out.parent)
    return Outcome(manifest, out, out.stat().st_size, _clock() - started)


def _sqlite_snapshot(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's online backup API: one read transaction, so the
    copy is the database at one instant while other connections keep writing (WAL)."""
    src = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        # the copy stands alone: no -wal file beside it to carry
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def _write_archive(path: Path, manifest: Manifest, payload: Path) -> None:
    raw = manifest.as_json()
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(raw), 0o600
        tar.addfile(info, io.BytesIO(raw))
        tar.add(payload, arcname=payload.name, recursive=False)
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


# --- restore -------------------------------------------------------------------------------


def read_manifest(path: Path) -> Manifest:
    """The manifest of the backup at ``path``; BackupError when it is not one."""
    where = str(path)
    if not path.is_file():
        raise BackupError(f"{where}: no such file")
    try:
        with tarfile.open(path, "r:") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.parse(member.read(), where)
    except (tarfile.TarError, KeyError):
        raise BackupError(f"{where}: not a liptako backup (expected a tar archive holding "
                          f"{MANIFEST}, as `liptako backup` writes)") from None


def check_fits(settings: Settings, manifest: Manifest, where: str) -> str | None:
    """Refuse a backup of the other backend or of a schema newer than the code; the code's
    head revision when the backup's is older (migrated after the restore), else None."""
    backend = backend_of(settings)
    if manifest.backend != backend:
        raise BackupError(f"{where}: a {manifest.backend} backup; the configured database "
                          f"is {backend} (restore it into a {manifest.backend} database)")
    scripts = ScriptDirectory.from_config(migrate.alembic_config(settings))
    head = scripts.get_current_head()
    try:
        known = scripts.get_revision(manifest.revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(f"{where}: schema revision {manifest.revision!r} is newer than "
                          f"this code (expected {head} or an older revision): restore it "
                          "with the liptako version that wrote it")
    return None if manifest.revision == head else head


def restore_backup(settings: Settings, path: Path, *, step: Step = lambda _: None) -> Outcome:
    """Replace the configured database by the backup at ``path``, then migrate it to the
    code's schema when it is older. Nothing is touched unless every check passes."""
    started = _clock()
    path = path.expanduser().resolve()
    manifest = read_manifest(path)
    newer_head = check_fits(settings, manifest, str(path))
    target = _sqlite_file(settings) if manifest.backend == "sqlite" else None
    # beside the database (same file system, for the atomic rename) or in the temp folder
    work_dir = target.parent if target is not None else None
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".liptako-restore-", dir=work_dir) as work:
        step("check")
        payload = _extract_checked(path, manifest, Path(work))
        step("restore")
        if target is not None:
            _sqlite_replace(target, payload)
        else:
            pgtools.restore(settings, payload, older=newer_head is not None)
    if newer_head is not None:
        step("migrate")
        migrate.upgrade(settings)
    return Outcome(manifest, path, path.stat().st_size, _clock() - started,
                   migrated_from=manifest.revision if newer_head else None)


def _extract_checked(path: Path, manifest: Manifest, work: Path) -> Path:
    """The payload written out to ``work``, refused unless its digest is the manifest's."""
    target = work / manifest.payload
    digest = hashlib.sha256()
    with tarfile.open(path, "r:") as tar:
        try:
            source = tar.extractfile(manifest.payload)
        except KeyError:
            source = None
        if source is None:
            raise BackupError(f"{path}: the payload {manifest.payload} named by "
                              f"{MANIFEST} is missing")
        with target.open("wb") as sink:
            _copy(source, sink, digest)
            sink.flush()
            os.fsync(sink.fileno())
    if digest.hexdigest() != manifest.sha256:
        raise BackupError(f"{path}: checksum mismatch: {manifest.payload} has sha256 "
                          f"{digest.hexdigest()}, the manifest expected {manifest.sha256} "
                          "(the file is damaged or was altered)")
    return target


def _sqlite_replace(target: Path, payload: Path) -> None:
    """Swap the database file for ``payload`` in one rename. The live file is first taken
    out of WAL mode, which SQLite allows only when no other connection has it open: a
    server still running is refused rather than left writing into a file that is gone, and
    no -wal file of the old database is left to be replayed onto the new one."""
    if not target.exists():
        os.replace(payload, target)
        _fsync_dir(target.parent)
        return
    live = sqlite3.connect(target, timeout=1, isolation_level=None)
    try:
        try:
            mode = live.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite3.OperationalError as exc:
            mode = str(exc)
        if str(mode).lower() != "delete":
            raise BackupError(f"database {target} is in use ({mode}): stop the server and "
                              "the worker, then restore")
        os.replace(payload, target)
        _fsync_dir(target.parent)
    finally:
        live.close()


# --- helpers -------------------------------------------------------------------------------


def _sqlite_file(settings: Settings) -> Path:
    path = settings.sqlite_path()
    if path is None:
        raise BackupError(f"{settings.database_url}: expected a SQLite database in a file")
    return path


def _copy(source: IO[bytes], sink: IO[bytes], digest: Any) -> None:
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        sink.write(chunk)


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _clock() -> float:
    import time

    return time.perf_counter()
