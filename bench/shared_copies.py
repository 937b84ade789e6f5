"""The repository's copies of the project's shared files still match them.

The suite runs on copies (tests/data, tests/charter/data, the vendored EDXL-RM schemas) so
that a clone needs nothing beside it; this check, run where the shared folder sits beside the
checkout, says which copy has fallen behind. Prints one line per file and a summary; exits 1
on a mismatch.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EDXL = REPO / "src" / "liptako" / "assistance" / "edxl" / "xsd" / "edxl-rm-1.0"
PAIRS = [(REPO / "tests" / "data" / name, SHARED / "data" / name)
         for name in ("acled_sahel.csv", "acled_mali_monadic.csv")]
PAIRS.append((REPO / "tests" / "charter" / "data" / "charter_examples.json",
              SHARED / "design" / "charter_examples.json"))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    if not SHARED.is_dir():
        print(f"no shared folder at {SHARED}: nothing to compare")
        return 0
    pairs = PAIRS + [(ours, SHARED / "standards" / "edxl-rm-1.0" / ours.relative_to(EDXL))
                     for ours in sorted(EDXL.rglob("*.xsd"))]
    stale = [ours for ours, theirs in pairs if _digest(ours) != _digest(theirs)]
    for ours, _theirs in pairs:
        print(f"{'STALE' if ours in stale else 'same '} {ours.relative_to(REPO)}")
    print(f"{len(pairs) - len(stale)} of {len(pairs)} copies match the shared folder")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
