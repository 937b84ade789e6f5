"""Paths to the test data the repository holds and small CSV helpers shared by the tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"  # the ACLED excerpts the suite reads (see its README)
ACLED_DYADIC = DATA / "acled_excerpt_dyadic.csv"
ACLED_MONADIC = DATA / "acled_excerpt_monadic.csv"
TEST_DATA = REPO / "tests" / "ingest" / "data"


def acled_rows(path: Path, n: int | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the first ``n`` rows of a CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [r for _i, r in zip(range(n or 10**9), reader, strict=False)]
        return list(reader.fieldnames or []), rows


def event_ids(path: Path) -> list[str]:
    """The distinct ``event_id_cnty`` of an ACLED file, in file order, read with plain csv."""
    _header, rows = acled_rows(path)
    return list(dict.fromkeys(r["event_id_cnty"] for r in rows))


def to_csv(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
