"""Benchmark: the place of an event from ACLED's notes, within 25 km of the coded point.

Run from the repository root::

    .venv/bin/python bench/intake_places.py [--csv ../shared/data/acled_sahel.csv]

For every row with notes, :func:`liptako.intake.places.find_places` reads the note and its best
candidate is compared with the row's latitude/longitude. Rules were tuned on rows dated up to
``TRAINED_UNTIL`` only; the target (share within 25 km >= 0.80) applies to the rows after it.
Prints the share within 25 km, the median error in km (rows with a candidate) and texts/s for
both periods, and the index build time. Exits 1 below the target.
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import sys
import time
from pathlib import Path

from liptako.core.geo import admin_index
from liptako.intake import places
from liptako.intake.placenames import place_index

REPO = Path(__file__).resolve().parents[1]
ACLED = REPO / ".." / "shared" / "data" / "acled_sahel.csv"
TRAINED_UNTIL = "2018-12-31"
TARGET = 0.80
WITHIN_KM = 25.0


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, R = 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def evaluate(rows: list[dict[str, str]]) -> tuple[float, float, float]:
    """Share within 25 km, median km error of rows with a candidate, texts per second."""
    errors: list[float] = []
    hits = 0
    start = time.perf_counter()
    for row in rows:
        found = places.find_places(row["notes"])
        if found:
            d = km(found[0].lat, found[0].lon, float(row["latitude"]), float(row["longitude"]))
            errors.append(d)
            hits += d <= WITHIN_KM
    elapsed = time.perf_counter() - start
    median = statistics.median(errors) if errors else math.nan
    return hits / len(rows), median, len(rows) / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=ACLED)
    args = parser.parse_args()
    with args.csv.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["notes"].strip()]
    admin_index()
    start = time.perf_counter()
    place_index()
    print(f"index built in {time.perf_counter() - start:.2f} s")
    periods = {
        f"<= {TRAINED_UNTIL} (tuning)": [r for r in rows if r["event_date"] <= TRAINED_UNTIL],
        f"> {TRAINED_UNTIL} (held out)": [r for r in rows if r["event_date"] > TRAINED_UNTIL],
    }
    share = 0.0
    for label, subset in periods.items():
        share, median, rate = evaluate(subset)
        print(
            f"{label}: {len(subset)} notes, within {WITHIN_KM:.0f} km {share:.3f}, "
            f"median error {median:.1f} km, {rate:.0f} texts/s"
        )
    ok = share >= TARGET
    verdict = "met" if ok else "NOT met"
    print(f"target: within {WITHIN_KM:.0f} km >= {TARGET:.2f} after {TRAINED_UNTIL}: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
