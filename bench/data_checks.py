"""Checks on the full ACLED files: the figures of the whole files, which the suite's excerpts
cannot show.

Run from the repository root, with the project's full files in ``../shared/data``::

    .venv/bin/python bench/data_checks.py

The suite reads excerpts of these files (``tests/data``, made by ``scripts/acled_excerpt.py``)
and asserts what holds row by row. What only the whole files show is checked here: exact
counts, the registry's actor coverage (the target is 95 %; 99 % is held so that a regression
in the data or the rules shows up), the share of points inside the country their row names,
the border cases and the agreement of the columnar store with the registry importer. Prints
one line per check, the figure and what it should be, then a summary; exits 1 when a check
fails, 2 when the files are not there.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl

from liptako.core import geo
from liptako.incidents.place import place
from liptako.incidents.schemas import EventRecord
from liptako.ingest.acled import read_acled
from liptako.ingest.records import RowError
from liptako.intel.coverage import acled_coverage
from liptako.warning.store import SCHEMA
from liptako.warning.store_acled import csv_to_parquet

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
DYADIC, MONADIC = DATA / "acled_sahel.csv", DATA / "acled_mali_monadic.csv"
TODAY = dt.date.today()
# what the columnar store and the importer (records + place) must agree on
SHARED = ("source_id", "source_version", "occurred_on", "date_precision", "iso3", "admin1_code",
          "admin2_code", "admin_method", "outside_country_km", "priogrid_gid",
          "in_liptako_gourma", "lat", "lon", "geo_precision", "event_type", "fatalities",
          "civilian_targeting")


class Checks:
    """Prints each check as it is made and remembers which failed."""

    def __init__(self) -> None:
        self.made = 0
        self.failed: list[str] = []

    def hold(self, name: str, figure: object, ok: bool, expected: str) -> None:
        self.made += 1
        if not ok:
            self.failed.append(name)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {figure} (expected {expected})")

    def equal(self, name: str, figure: object, expected: object) -> None:
        self.hold(name, figure, figure == expected, str(expected))


def read(path: Path) -> tuple[list[EventRecord], list[RowError]]:
    with path.open(encoding="utf-8", newline="") as handle:
        parsed = list(read_acled(handle, today=TODAY))
    return ([p for p in parsed if isinstance(p, EventRecord)],
            [p for p in parsed if isinstance(p, RowError)])


def importer(checks: Checks) -> dict[str, list[EventRecord]]:
    """What the registry importer reads in each file."""
    dyadic, errors = read(DYADIC)
    checks.equal("dyadic: events read", len(dyadic), 5754)
    checks.equal("dyadic: rows refused", len(errors), 0)
    checks.equal("dyadic: distinct event ids", len({r.source_id for r in dyadic}), 5754)
    checks.equal("dyadic: fatalities", sum(r.fatalities or 0 for r in dyadic), 12271)
    checks.equal("dyadic: events by country", dict(Counter(r.iso3 for r in dyadic)),
                 {"MLI": 2972, "BFA": 1857, "NER": 925})
    monadic, errors = read(MONADIC)
    with MONADIC.open(encoding="utf-8", newline="") as handle:
        checks.equal("monadic: rows", sum(1 for _ in csv.DictReader(handle)), 3280)
    checks.equal("monadic: events read", len(monadic), 1743)
    checks.equal("monadic: rows refused", len(errors), 0)
    two_sided = sum(any(a.role == "actor2" for a in r.actors) for r in monadic)
    checks.hold("monadic: events with two sides", two_sided, two_sided > 1500, "> 1500")
    dates = (min(r.occurred_on for r in monadic), max(r.occurred_on for r in monadic))
    checks.equal("monadic: first and last day", tuple(str(d) for d in dates),
                 ("2017-01-01", "2019-07-31"))
    new = {r.source_id for r in monadic} - {r.source_id for r in dyadic}
    checks.equal("monadic: events the dyadic file lacks", len(new), 5)
    return {"dyadic": dyadic, "monadic": monadic}


def columnar(checks: Checks, records: dict[str, list[EventRecord]]) -> None:
    """The columnar store of each file, column by column against the importer."""
    with tempfile.TemporaryDirectory(prefix="liptako-checks-") as tmp:
        # the monadic file's Ouami lies beyond the border tolerance: kept, but in no unit
        for layout, path, unplaced in (("dyadic", DYADIC, 0), ("monadic", MONADIC, 1)):
            out = Path(tmp) / f"{layout}.parquet"
            summary = csv_to_parquet(path, out, today=TODAY)
            events = pl.read_parquet(out)
            checks.equal(f"{layout}: columnar events written, rejected",
                         (summary.written, summary.rejected), (len(records[layout]), 0))
            checks.equal(f"{layout}: columnar events without an admin1 unit",
                         events["admin1_code"].null_count(), unplaced)
            mine = records[layout]
            rows = [{**{k: getattr(r, k) for k in SHARED if hasattr(r, k)}, **vars(p)}
                    for r, p in zip(mine, place(mine), strict=True)]
            expected = pl.DataFrame(rows, schema={k: SCHEMA[k] for k in SHARED})
            same = events.select(SHARED).equals(expected)
            checks.hold(f"{layout}: columnar store agrees with the importer", same, same,
                        f"True on {len(SHARED)} columns")


def actors(checks: Checks) -> None:
    for layout, path in (("dyadic", DYADIC), ("monadic", MONADIC)):
        result = acled_coverage(path)
        checks.hold(f"{layout}: actor coverage", f"{result.share:.2%} ({result.summary()})",
                    result.share >= 0.99, ">= 99 %")


def coordinates(path: Path) -> tuple[list[dict[str, str]], np.ndarray, np.ndarray]:
    """One row per event (a monadic event's rows share their point) and its coordinates."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list({r["event_id_cnty"]: r for r in csv.DictReader(handle)}.values())
    return (rows, np.array([float(r["latitude"]) for r in rows]),
            np.array([float(r["longitude"]) for r in rows]))


def placement(checks: Checks) -> None:
    """Points in the country their row names; the border tolerance on both files."""
    index = geo.admin_index()
    rows, lats, lons = coordinates(DYADIC)
    iso = np.array([r["iso3"] for r in rows], dtype=object)
    agree = index.country_of(lats, lons) == iso
    checks.hold("dyadic: points inside their stated country", f"{agree.mean():.2%}",
                agree.mean() >= 0.98, ">= 98 %")
    unit, km = index.assign_in_country(lats, lons, iso)
    placed = np.array([index.units[k].iso3 for k in unit], dtype=object)
    checks.equal("dyadic: rows where the distance and the point test disagree",
                 int(((km > 0) != ~agree).sum()), 0)
    checks.equal("dyadic: points outside their country left unplaced", int((unit < 0).sum()), 0)
    checks.hold("dyadic: farthest outside its country, km", f"{km.max():.2f}",
                km.max() <= geo.BORDER_TOLERANCE_KM, f"<= {geo.BORDER_TOLERANCE_KM}")
    checks.equal("dyadic: events placed in another country", int((placed != iso).sum()), 0)
    rows, lats, lons = coordinates(MONADIC)
    unit, km = index.assign_in_country(lats, lons, ["MLI"] * len(rows))
    across = float((km > 0).mean())
    checks.hold("monadic: events outside Mali", f"{across:.2%}", 0 < across < 0.02,
                "between 0 and 2 %")
    refused = [r["location"] for r, u in zip(rows, unit, strict=True) if u < 0]
    checks.equal("monadic: events refused by the tolerance", refused, ["Ouami"])


def main() -> int:
    if not (DYADIC.exists() and MONADIC.exists()):
        print(f"expected the full ACLED files in {DATA.resolve()}: nothing checked")
        return 2
    started = time.perf_counter()
    checks = Checks()
    records = importer(checks)
    columnar(checks, records)
    actors(checks)
    placement(checks)
    seconds = time.perf_counter() - started
    failed = f"; failed: {', '.join(checks.failed)}" if checks.failed else ""
    print(f"{checks.made - len(checks.failed)} of {checks.made} checks hold on the full ACLED "
          f"files ({seconds:.1f} s){failed}")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
