"""Finding pg_dump / pg_restore: the server's major version when several are installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from liptako.core.pgtools import PgToolError, find_tool


def _installed(tmp_path: Path, *versions: str) -> list[str | None]:
    """One folder per version holding a ``pg_dump`` that answers ``--version`` as the real
    one does."""
    folders: list[str | None] = []
    for version in versions:
        folder = tmp_path / version.split(".")[0] / "bin"
        folder.mkdir(parents=True)
        exe = folder / "pg_dump"
        exe.write_text(f"#!/bin/sh\necho 'pg_dump (PostgreSQL) {version}'\n")
        exe.chmod(0o755)
        folders.append(str(folder))
    return folders


def test_the_servers_major_version_wins_then_the_newest_newer(tmp_path: Path) -> None:
    folders = _installed(tmp_path, "14.11", "15.20", "16.4")
    assert find_tool("pg_dump", 15, folders=folders).parent.parent.name == "15"
    assert find_tool("pg_dump", 16, folders=folders).parent.parent.name == "16"
    # no 13 installed: the newest of those that can dump it
    assert find_tool("pg_dump", 13, folders=folders).parent.parent.name == "16"


def test_none_new_enough_names_what_was_found_and_what_to_install(tmp_path: Path) -> None:
    folders = _installed(tmp_path, "14.11")
    with pytest.raises(PgToolError, match=r"pg_dump: expected PostgreSQL 17 or newer .*"
                       r"found .*14/bin/pg_dump \(14\): install postgresql-client-17"):
        find_tool("pg_dump", 17, folders=folders)
    with pytest.raises(PgToolError, match="found none"):
        find_tool("pg_dump", 15, folders=[str(tmp_path / "empty")])
