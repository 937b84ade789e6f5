"""Build the ACLED excerpts the suite reads (tests/data/acled_excerpt_*.csv) from the full files.

Run from the repository root, with the project's full ACLED files in ``../shared/data``::

    .venv/bin/python scripts/acled_excerpt.py [--source ../shared/data]

Rows are chosen by rule, not sampled, so the same files come out every time. A row is taken
when it is the first (the newest: the full files are sorted by date, newest first) of its kind:

- each country x event type x sub-event type, each country x year, each second-level unit
  ACLED names (cercle, province, department), each value of the precision, actor-type and
  interaction codes;
- each site whose point lies outside the country its row names, found with the package's own
  placement (``liptako.core.geo.admin_index().assign_in_country``), and every row that
  placement refuses (Ouami, whose newer vintage flipped the sign of its longitude);
- a few rows with several actors ("X and/or Y"), several associated actors ("A; B"),
  associated actors on both sides, no notes, the most fatalities;
- in the monadic file, a few one-row events, events whose first row is not side 1, events
  whose two sides are of one actor type, every event the dyadic file lacks, and Ibi (MLI3075);
- in the dyadic file, Djibo (Burkina Faso, Soum), and the dyadic row of every event of the
  monadic excerpt, so that the two excerpts overlap as the full files do.

The monadic excerpt holds whole events: a chosen row brings every row of its event. Rows are
written unchanged, in the order of the full file (``csv.writer`` gives back its bytes).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

import numpy as np

from liptako.core.geo import admin_index

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "data"
FILES = {"dyadic": ("acled_sahel.csv", "acled_excerpt_dyadic.csv"),
         "monadic": ("acled_mali_monadic.csv", "acled_excerpt_monadic.csv")}
Row = dict[str, str]
Key = Callable[[Row], Hashable]


def read(path: Path) -> tuple[list[str], list[Row]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def firsts(rows: list[Row], key: Key, n: int = 1) -> set[int]:
    """Positions of the first ``n`` rows of each value of ``key`` (None: not a kind)."""
    seen: dict[Hashable, int] = {}
    picked = set()
    for i, row in enumerate(rows):
        k = key(row)
        if k is not None and seen.get(k, 0) < n:
            seen[k] = seen.get(k, 0) + 1
            picked.add(i)
    return picked


def when(test: Callable[[Row], bool]) -> Key:
    """A key with a single kind: the rows that pass ``test``."""
    return lambda row: True if test(row) else None


def border(rows: list[Row]) -> set[int]:
    """First row of each site outside its stated country, and every row placement refuses."""
    lats = np.array([float(r["latitude"]) for r in rows])
    lons = np.array([float(r["longitude"]) for r in rows])
    unit, km = admin_index().assign_in_country(lats, lons, [r["iso3"] for r in rows])
    site: dict[tuple[str, str, str, str], int] = {}
    for i in np.flatnonzero(km > 0):
        r = rows[i]
        site.setdefault((r["iso3"], r["location"], r["latitude"], r["longitude"]), int(i))
    return set(site.values()) | {int(i) for i in np.flatnonzero(unit < 0)}


def cells(row: Row, *columns: str) -> str:
    return " | ".join(row.get(c) or "" for c in columns)


def common(rows: list[Row], codes: Iterable[str]) -> set[int]:
    """The rules both layouts share."""
    picked = firsts(rows, lambda r: (r["iso3"], r["event_type"], r["sub_event_type"]))
    picked |= firsts(rows, lambda r: (r["iso3"], r["year"]))
    picked |= firsts(rows, lambda r: (r["iso3"], r["admin1"], r["admin2"]))
    for code in codes:
        picked |= firsts(rows, lambda r, c=code: (c, r[c]))
    picked |= firsts(rows, when(lambda r: " and/or " in cells(r, "actor1", "actor2")), 8)
    picked |= firsts(rows, when(lambda r: ";" in cells(r, "assoc_actor_1", "assoc_actor_2")), 6)
    picked |= firsts(rows, when(lambda r: not r["notes"]), 3)
    most = max(int(r["fatalities"]) for r in rows)
    picked |= firsts(rows, when(lambda r: int(r["fatalities"]) == most))
    return picked | border(rows)


def monadic_ids(rows: list[Row], dyadic_ids: set[str]) -> set[str]:
    """Events of the monadic excerpt."""
    picked = common(rows, ("time_precision", "geo_precision", "inter1", "interaction"))
    size = Counter(r["event_id_cnty"] for r in rows)
    lead = {r["event_id_cnty"]: r for r in reversed(rows)}  # each event's first row

    def side_2_first(r: Row) -> bool:
        return lead[r["event_id_cnty"]] is r and r["inter1"] != r["interaction"][0] != r[
            "interaction"][1]

    def one_actor_type(r: Row) -> bool:
        return lead[r["event_id_cnty"]] is r and size[r["event_id_cnty"]] > 1 and r[
            "interaction"][0] == r["interaction"][1]

    picked |= firsts(rows, when(lambda r: size[r["event_id_cnty"]] == 1), 4)
    picked |= firsts(rows, when(side_2_first), 6)
    picked |= firsts(rows, when(one_actor_type), 6)
    chosen = {rows[i]["event_id_cnty"] for i in picked}
    return chosen | {"MLI3075"} | (set(size) - dyadic_ids)


def dyadic_rows(rows: list[Row], monadic: set[str]) -> set[int]:
    """Rows of the dyadic excerpt."""
    picked = common(rows, ("time_precision", "geo_precision", "inter1", "inter2", "interaction"))
    picked |= firsts(rows, when(lambda r: bool(r["assoc_actor_1"] and r["assoc_actor_2"])), 4)
    picked |= firsts(rows, when(lambda r: r["location"] == "Djibo"))
    return picked | {i for i, r in enumerate(rows) if r["event_id_cnty"] in monadic}


def write(path: Path, header: list[str], rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO / ".." / "shared" / "data",
                        help="folder of the full ACLED files (default: ../shared/data)")
    source = parser.parse_args().source
    d_header, d_rows = read(source / FILES["dyadic"][0])
    m_header, m_rows = read(source / FILES["monadic"][0])
    monadic = monadic_ids(m_rows, {r["event_id_cnty"] for r in d_rows})
    m_out = [r for r in m_rows if r["event_id_cnty"] in monadic]
    d_out = [d_rows[i] for i in sorted(dyadic_rows(d_rows, monadic))]
    for layout, header, rows, full in (("dyadic", d_header, d_out, d_rows),
                                       ("monadic", m_header, m_out, m_rows)):
        name, excerpt = FILES[layout]
        write(OUT / excerpt, header, rows)
        events = len({r["event_id_cnty"] for r in rows})
        print(f"{excerpt}: {len(rows)} rows ({events} events) of {len(full)} in {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
