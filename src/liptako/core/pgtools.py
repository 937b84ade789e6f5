"""PostgreSQL's own dump and restore programs, found and run for the configured database."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import inspect, make_url, text

from liptako.core.config import Settings
from liptako.core.db import make_engine

DEBIAN_GLOB = "/usr/lib/postgresql/*/bin"


class PgToolError(Exception):
    """A PostgreSQL program that is missing or failed; says which and why."""


def server_major(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()


def find_tool(name: str, major: int, *, bin_dir: Path | None = None,
              folders: list[str | None] | None = None) -> Path:
    """``name`` (pg_dump, pg_restore) of the server's major version when several are
    installed, else the newest one not older than the server (a dump program refuses
    servers newer than itself). Looks in ``bin_dir`` only when given, else in ``folders``
    (None standing for PATH), by default Debian's per-version folders and PATH."""
    found: dict[Path, int] = {}
    if bin_dir:
        folders = [str(bin_dir)]
    elif folders is None:
        folders = [*sorted(glob.glob(DEBIAN_GLOB)), None]
    for folder in folders:
        exe = shutil.which(name, path=folder) if folder else shutil.which(name)
        if exe and Path(exe).resolve() not in {p.resolve() for p in found}:
            version = _version(Path(exe))
            if version is not None:
                found[Path(exe)] = version
    usable = {exe: v for exe, v in found.items() if v >= major}
    if not usable:
        seen = ", ".join(f"{exe} ({v})" for exe, v in found.items()) or "none"
        where = str(bin_dir) if bin_dir else f"PATH or {DEBIAN_GLOB}"
        raise PgToolError(f"{name}: expected PostgreSQL {major} or newer in {where}, found "
                          f"{seen}: install postgresql-client-{major} (or set "
                          "LIPTAKO_PG_BIN_DIR to the folder that holds it)")
    return min(usable, key=lambda exe: (usable[exe] != major, -usable[exe]))


def _version(exe: Path) -> int | None:
    try:
        out = subprocess.run([str(exe), "--version"], capture_output=True, text=True,  # noqa: S603
                             check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def _target(settings: Settings) -> tuple[str, dict[str, str]]:
    """A libpq URI for the database without its password, which goes in the environment
    instead (never on a command line other users can read)."""
    url = make_url(settings.database_url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise PgToolError(f"{what} failed (exit {done.returncode}): "
                          f"{' / '.join(detail[-3:]) or 'no message'}")


def dump(settings: Settings, out: Path) -> None:
    """``pg_dump --format=custom`` of the configured database into ``out``."""
    exe = find_tool("pg_dump", server_major(settings), bin_dir=settings.pg_bin_dir)
    uri, env = _target(settings)
    _run([str(exe), "--format=custom", "--no-owner", f"--file={out}", f"--dbname={uri}"],
         env, "pg_dump")


def restore(settings: Settings, archive: Path, *, older: bool) -> None:
    """``pg_restore --clean`` of ``archive`` into the configured database, in one
    transaction: it fails whole or replaces every table it holds. A backup of an older
    schema first has the tables it does not hold dropped (those of later revisions, which
    the migration that follows makes again); that step commits on its own."""
    exe = find_tool("pg_restore", server_major(settings), bin_dir=settings.pg_bin_dir)
    uri, env = _target(settings)
    if older:
        _drop_tables_not_in(settings, _archive_tables(exe, archive, env))
    _run([str(exe), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={uri}", str(archive)], env, "pg_restore")


def _archive_tables(exe: Path, archive: Path, env: dict[str, str]) -> set[str]:
    listing = subprocess.run([str(exe), "--list", str(archive)], env=env, capture_output=True,  # noqa: S603
                             text=True, check=True).stdout
    # a TOC line: "215; 1259 16390 TABLE public incident postgres"
    return {m.group(1) for m in re.finditer(r"^\d+; \d+ \d+ TABLE \S+ (\S+)", listing, re.M)}


def _drop_tables_not_in(settings: Settings, keep: set[str]) -> None:
    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            for name in set(inspect(conn).get_table_names()) - keep:
                conn.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
    finally:
        engine.dispose()
