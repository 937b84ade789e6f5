"""The watched import folder (``LIPTAKO_IMPORT_DIR``): which files are ready, what they are,
and where they go once imported.

A file is taken when it is a ``*.csv`` directly in the folder, is not hidden, and has kept
the same size and modification time over two scans in a row (a copy still being written
grows between them). A program that writes in place can also write ``NAME.csv.part`` and
rename it to ``NAME.csv`` when done: a ``.part`` file is never taken. A taken file is told
ACLED or UCDP by its header; once its import is done it moves to ``done/``, and a file that
could not be imported moves to ``failed/`` with ``NAME.csv.error.txt`` beside it saying why.
"""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path

DONE, FAILED = "done", "failed"
# the columns that tell an export's source (each importer asks for more, and says which)
ACLED_MARK = "event_id_cnty"
UCDP_MARKS = ("id", "type_of_violence")


class Sightings:
    """What the previous scan saw of each file, to take only those that stopped changing."""

    def __init__(self) -> None:
        self._seen: dict[Path, tuple[int, int]] = {}

    def ready(self, folder: Path) -> list[Path]:
        """The files of ``folder`` unchanged since the previous call, in name order."""
        now: dict[Path, tuple[int, int]] = {}
        for path in sorted(folder.glob("*.csv")):
            if path.name.startswith(".") or not path.is_file():
                continue
            stat = path.stat()
            now[path] = (stat.st_size, stat.st_mtime_ns)
        stable = [p for p, mark in now.items() if self._seen.get(p) == mark]
        self._seen = now
        return stable


def source_of(path: Path) -> str | None:
    """``acled`` or ``ucdp`` by the file's header, or None when it is neither."""
    header = header_of(path)
    if ACLED_MARK in header:
        return "acled"
    if all(mark in header for mark in UCDP_MARKS):
        return "ucdp"
    return None


def header_of(path: Path) -> list[str]:
    with path.open("rb") as handle:
        first = handle.readline(64 * 1024).decode("utf-8-sig", "replace")
    try:
        return [c.strip() for c in next(csv.reader([first]), [])]
    except csv.Error:
        return []


def unrecognised(path: Path) -> str:
    """Why a file is neither export, in the words of the error file."""
    header = header_of(path)
    shown = ", ".join(header[:8]) + ("..." if len(header) > 8 else "")
    return (f"{path.name}: line 1: header: expected an ACLED export (a column {ACLED_MARK}) or "
            f"a UCDP GED export (columns {', '.join(UCDP_MARKS)}), got {shown or 'no columns'}")


def content_hash(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_away(path: Path, into: str, error: str | None = None) -> Path:
    """Move a taken file into ``done/`` or ``failed/`` beside it (a name already there gets
    a number), with the error beside it when there is one; where it went."""
    target_dir = path.parent / into
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    n = 1
    while target.exists():
        n += 1
        target = target_dir / f"{path.stem}.{n}{path.suffix}"
    os.replace(path, target)
    if error is not None:
        target.with_name(target.name + ".error.txt").write_text(error + "\n", encoding="utf-8")
    return target
