"""`liptako backup` and `liptako restore`: the whole database to one file and back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from liptako.cli.common import db_where, fail, progress_bar, settings_of, unit_of_work

if TYPE_CHECKING:
    from liptako.core.backup import Outcome, Step
    from liptako.core.config import Settings

OUT_OPTION = typer.Option(..., "--out", "-o", help="The backup file to write (replaced "
                          "atomically if it exists).", dir_okay=False)
FILE_ARGUMENT = typer.Argument(..., help="A file written by `liptako backup`.", dir_okay=False)
YES_OPTION = typer.Option(False, "--yes", "-y", help="Do not ask: replace the data.")


def backup(ctx: typer.Context, out: Path = OUT_OPTION) -> None:
    """Back the configured database up to one file (SQLite: online backup, the server may
    keep running; PostgreSQL: pg_dump --format=custom), with a manifest a restore checks."""
    from liptako.core.backup import BackupError, create_backup
    from liptako.core.clock import utcnow
    from liptako.core.pgtools import PgToolError

    settings = settings_of(ctx)
    try:
        with _steps("backup", 3) as step:
            outcome = create_backup(settings, out, now=utcnow(), step=step)
    except (BackupError, PgToolError, OSError) as exc:
        fail(f"backup: {exc}")
    _record(settings, "database.backup", outcome)
    m = outcome.manifest
    typer.echo(f"backup of the {m.backend} database (revision {m.revision}) taken at "
               f"{m.taken_at}: {outcome.path}, {_size(outcome.file_bytes)} in "
               f"{outcome.seconds:.1f} s, sha256 {m.sha256[:12]}")


def restore(ctx: typer.Context, file: Path = FILE_ARGUMENT, yes: bool = YES_OPTION) -> None:
    """Replace the configured database by a backup: refused unless the file is a liptako
    backup, intact, of this backend and of a schema this code knows (an older one is
    migrated forward). Stop the server and the worker first."""
    from liptako.core.backup import BackupError, check_fits, read_manifest, restore_backup
    from liptako.core.pgtools import PgToolError

    settings = settings_of(ctx, ready=False)
    try:
        manifest = read_manifest(file)
        check_fits(settings, manifest, str(file))
        if not yes and not typer.confirm(
                f"Replace every record of {db_where(settings)} by the {manifest.backend} "
                f"backup taken at {manifest.taken_at}?"):
            fail("restore cancelled: nothing changed", code=1)
        with _steps("restore", 3) as step:
            outcome = restore_backup(settings, file, step=step)
    except (BackupError, PgToolError, OSError) as exc:
        fail(f"restore: {exc}")
    _record(settings, "database.restore", outcome)
    m = outcome.manifest
    migrated = (f", migrated from revision {outcome.migrated_from}"
                if outcome.migrated_from else "")
    typer.echo(f"restored the {m.backend} backup taken at {m.taken_at} (revision "
               f"{m.revision}) from {outcome.path}: {_size(outcome.file_bytes)} in "
               f"{outcome.seconds:.1f} s{migrated}")


def _record(settings: Settings, action: str, outcome: Outcome) -> None:
    """The audit entry, in the database as it is afterwards: after a restore, that is the
    restored one, so its chain goes on from the backup's last entry."""
    from liptako.audit import service as audit
    from liptako.core.clock import utcnow

    m = outcome.manifest
    with unit_of_work(settings) as session:
        audit.record(session, actor=audit.SYSTEM, action=action, target_type="backup",
                     target_id=outcome.path.name[-64:], now=utcnow(),
                     detail={"file": str(outcome.path), "bytes": outcome.file_bytes,
                             "sha256": m.sha256, "revision": m.revision,
                             "taken_at": m.taken_at,
                             "migrated_from": outcome.migrated_from})


@contextmanager
def _steps(label: str, total: int) -> Iterator[Step]:
    """A progress bar over the named steps of a backup or a restore."""
    with progress_bar(label) as progress:
        task = progress.add_task(label, total=total)

        def step(name: str) -> None:
            progress.update(task, description=name, advance=1)

        yield step


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 2**10:.1f} KiB"
