"""Paths to the real data and small CSV helpers shared by the tests."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _shared_root() -> Path:
    """The project's ``shared`` folder: ``$LIPTAKO_SHARED``, else beside this checkout, else
    beside the checkout this one was cloned from (a clone into a temporary folder)."""
    if os.environ.get("LIPTAKO_SHARED"):
        return Path(os.environ["LIPTAKO_SHARED"])
    beside = REPO.parent / "shared"
    if beside.is_dir():
        return beside
    origin = subprocess.run(["git", "-C", str(REPO), "config", "--get", "remote.origin.url"],
                            capture_output=True, text=True, check=False).stdout.strip()
    if origin and "://" not in origin and Path(origin).is_dir():
        upstream = Path(origin).resolve().parent / "shared"
        if upstream.is_dir():
            return upstream
    return beside


SHARED = _shared_root()
SHARED_DATA = SHARED / "data"
ACLED_DYADIC = SHARED_DATA / "acled_sahel.csv"
ACLED_MONADIC = SHARED_DATA / "acled_mali_monadic.csv"
TEST_DATA = REPO / "tests" / "ingest" / "data"


def acled_rows(path: Path, n: int | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the first ``n`` rows of a CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [r for _i, r in zip(range(n or 10**9), reader, strict=False)]
        return list(reader.fieldnames or []), rows


def to_csv(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
