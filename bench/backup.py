"""Benchmark: `liptako backup` and `liptako restore` on the shared ACLED export, and the
recovery point and recovery time they imply.

Run from the repository root::

    .venv/bin/python bench/backup.py [--repeats 3] [--skip-postgres] [--interval-hours 24]

For each backend (a fresh SQLite file in a temp folder; a throw-away database on the local
PostgreSQL server, dropped afterwards): ``liptako db upgrade``, ``liptako ingest acled
shared/data/acled_sahel.csv`` (the real dyadic export), then ``--repeats`` runs of
``liptako backup --out FILE`` and ``liptako restore FILE --yes``, each in a subprocess as an
operator runs them (process start included), then ``liptako audit verify``.

Baseline, in the same run: what the backup is built on, without liptako around it: a plain
copy of the SQLite file (``shutil.copyfile``), ``pg_dump --format=custom`` alone. The ratio
says what the manifest, the checksum, the archive and the CLI cost on top.

Recovery point (RPO): what a crash can lose with a backup every ``--interval-hours``: the
interval plus the time one backup takes (a crash just before a backup ends loses everything
since the one before). Recovery time (RTO): the restore's median, plus the copy back from
off-host (not measured: it depends on the link).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from liptako.core.backup import create_backup, restore_backup
from liptako.core.config import Settings
from liptako.core.db import make_engine
from liptako.core.pgtools import find_tool, server_major

REPO = Path(__file__).resolve().parents[1]
ACLED = REPO.parent / "shared" / "data" / "acled_sahel.csv"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CLI = ("import sys; from liptako.cli.main import main; sys.argv[0] = 'liptako'; main()")


def liptako(url: str, *args: str) -> tuple[float, str]:
    """Run ``liptako ARGS`` on ``url`` in a child; its wall time and output."""
    env = {**os.environ, "LIPTAKO_DATABASE_URL": url, "LIPTAKO_ENV": "dev"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI, *args], env=env, capture_output=True,
                          text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"liptako {' '.join(args)} failed: {done.stderr.strip()}")
    return took, done.stdout.strip()


def rows(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = conn.dialect.get_table_names(conn)
            return sum(int(conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one())
                       for n in names)
    finally:
        engine.dispose()


def baseline(url: str, out: Path) -> float:
    """The tool under the backup, alone."""
    started = time.perf_counter()
    if url.startswith("sqlite"):
        shutil.copyfile(url.split("///", 1)[1], out)
    else:
        settings = Settings(database_url=url)
        exe = find_tool("pg_dump", server_major(settings))
        uri = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run([str(exe), "--format=custom", f"--file={out}", f"--dbname={uri}"],
                       check=True)
    return time.perf_counter() - started


def run_backend(name: str, url: str, work: Path, args: argparse.Namespace) -> dict[str, float]:
    liptako(url, "db", "upgrade")
    ingest_s, _ = liptako(url, "ingest", "acled", str(ACLED))
    total = rows(url)
    out = work / f"{name}.liptako"
    base = [baseline(url, work / f"{name}.baseline") for _ in range(args.repeats)]
    backups, restores, work_backup, work_restore = [], [], [], []
    settings = Settings(database_url=url)
    for _ in range(args.repeats):
        backups.append(liptako(url, "backup", "--out", str(out))[0])
        restores.append(liptako(url, "restore", str(out), "--yes")[0])
        # the work alone, in this process: no interpreter start, no imports
        work_backup.append(create_backup(settings, out, now=dt.datetime.now(dt.UTC)).seconds)
        work_restore.append(restore_backup(settings, out).seconds)
    _, verified = liptako(url, "audit", "verify")
    figures = {"rows": total, "ingest_s": ingest_s, "bytes": out.stat().st_size,
               "baseline_s": statistics.median(base), "backup_s": statistics.median(backups),
               "restore_s": statistics.median(restores),
               "work_backup_s": statistics.median(work_backup),
               "work_restore_s": statistics.median(work_restore)}
    print(f"{name:10} {total:>8,} rows  ingest {ingest_s:6.1f} s  file "
          f"{figures['bytes'] / 2**20:6.1f} MiB  baseline {figures['baseline_s']:5.2f} s  "
          f"[{verified}]")
    wb, wr = figures["work_backup_s"], figures["work_restore_s"]
    print(f"{'':10} command: backup {figures['backup_s']:5.2f} s, restore "
          f"{figures['restore_s']:5.2f} s; the work alone: backup {wb:5.2f} s "
          f"({total / wb:,.0f} rows/s, x{wb / figures['baseline_s']:.1f} the baseline), "
          f"restore {wr:5.2f} s ({total / wr:,.0f} rows/s)")
    hours = args.interval_hours
    print(f"{'':10} RPO <= {hours:g} h + {figures['backup_s']:.1f} s (a backup every "
          f"{hours:g} h); RTO ~ {figures['restore_s']:.1f} s + the copy back from off-host")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--interval-hours", type=float, default=24.0)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    if not ACLED.exists():
        raise SystemExit(f"{ACLED}: expected the shared ACLED export beside the repository")
    print(f"bench/backup.py {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
          f"({os.cpu_count()} cores, {platform.platform()}); {ACLED.name}; median of "
          f"{args.repeats}")
    with tempfile.TemporaryDirectory(prefix="liptako-bench-backup-") as tmp:
        work = Path(tmp)
        run_backend("sqlite", f"sqlite:///{work / 'liptako.db'}", work, args)
        if not args.skip_postgres:
            name = f"liptako_bench_backup_{uuid.uuid4().hex[:8]}"
            admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = make_url(PG_SERVER).set(database=name).render_as_string(
                    hide_password=False)
                run_backend("postgresql", url, work, args)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
