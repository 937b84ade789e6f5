"""The repository's copies and excerpts of the project's shared files still match them.

The suite runs on copies (tests/charter/data, the vendored EDXL-RM schemas) and on excerpts
(tests/data, rows chosen by scripts/acled_excerpt.py) so that a clone needs nothing beside it.
This check, run where the shared folder sits beside the checkout, says which copy has fallen
behind (its bytes differ) and which excerpt holds a row its full file no longer has, or holds
rows out of the full file's order. Prints one line per file and a summary; exits 1 on a
mismatch.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EDXL = REPO / "src" / "liptako" / "assistance" / "edxl" / "xsd" / "edxl-rm-1.0"
PAIRS = [(REPO / "tests" / "charter" / "data" / "charter_examples.json",
          SHARED / "design" / "charter_examples.json")]
EXCERPTS = [(REPO / "tests" / "data" / ours, SHARED / "data" / full)
            for ours, full in (("acled_excerpt_dyadic.csv", "acled_sahel.csv"),
                               ("acled_excerpt_monadic.csv", "acled_mali_monadic.csv"))]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path) -> list[tuple[str, ...]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [tuple(row) for row in csv.reader(handle)]


def _excerpt_holds(ours: Path, theirs: Path) -> bool:
    """Every row of the excerpt, header first, is a row of the full file, in its order."""
    position = {row: i for i, row in enumerate(_rows(theirs))}
    mine = _rows(ours)
    found = [position[row] for row in mine if row in position]
    print(f"{'same ' if len(found) == len(mine) and found == sorted(found) else 'STALE'} "
          f"{ours.relative_to(REPO)}: {len(found)} of {len(mine)} rows (header included) are "
          f"rows of {theirs.name}{'' if found == sorted(found) else ', out of its order'}")
    return len(found) == len(mine) and found == sorted(found)


def main() -> int:
    if not SHARED.is_dir():
        print(f"no shared folder at {SHARED}: nothing to compare")
        return 0
    pairs = PAIRS + [(ours, SHARED / "standards" / "edxl-rm-1.0" / ours.relative_to(EDXL))
                     for ours in sorted(EDXL.rglob("*.xsd"))]
    stale = [ours for ours, theirs in pairs if _digest(ours) != _digest(theirs)]
    for ours, _theirs in pairs:
        print(f"{'STALE' if ours in stale else 'same '} {ours.relative_to(REPO)}")
    held = [_excerpt_holds(ours, theirs) for ours, theirs in EXCERPTS]
    print(f"{len(pairs) - len(stale)} of {len(pairs)} copies match the shared folder; "
          f"{sum(held)} of {len(held)} excerpts hold only rows of the shared files, in their order")
    return 1 if stale or not all(held) else 0


if __name__ == "__main__":
    sys.exit(main())
