"""The intake's text rules (dates, fatalities) against ACLED's coded fields.

Run from the repository root, with the project's full files in ``../shared/data``::

    .venv/bin/python bench/intake_rules.py [--data PATH] [--errors N]

Each row's ``notes`` is read with ``event_date`` as the report date. Prints, for the rows
dated up to 2018-12-31 (where the rules were tuned) and for 2019-01-01 to 2019-07-31 (held
out), the share of rows whose resolved date equals ``event_date`` and whose fatality count
equals ``fatalities``, then the texts per second of each function. ``--errors N`` prints N
fatality errors of the tuning period. Exits 1 when 2019's fatalities_exact is below 0.85, 2
when the file is not there.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import time
from pathlib import Path

from liptako.intake.dates import resolve_date
from liptako.intake.fatalities import count_fatalities
from liptako.intake.numbers import find_numbers

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "acled_sahel.csv"
TUNED_UNTIL = "2018-12-31"
TARGET = 0.85


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--errors", type=int, default=0)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"no file at {args.data}", file=sys.stderr)
        return 2
    with args.data.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["notes"].strip()]
    periods = {
        f"<= {TUNED_UNTIL}": [r for r in rows if r["event_date"] <= TUNED_UNTIL],
        "2019-01..07": [r for r in rows if r["event_date"] > TUNED_UNTIL],
    }
    scores = {name: _score(part) for name, part in periods.items()}
    for name, (n, date_exact, fat_exact) in scores.items():
        print(f"{name:>14}: {n:5d} rows  date_exact {date_exact:.3f}  "
              f"fatalities_exact {fat_exact:.3f}")
    _speed(rows)
    if args.errors:
        _errors(periods[f"<= {TUNED_UNTIL}"], args.errors)
    held_out = scores["2019-01..07"][2]
    ok = held_out >= TARGET
    print(f"2019 fatalities_exact {held_out:.3f} (target >= {TARGET}): {'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


def _score(rows: list[dict[str, str]]) -> tuple[int, float, float]:
    """Rows, and the shares of exact dates and exact fatality counts among them."""
    dates = fatalities = 0
    for r in rows:
        reported = dt.date.fromisoformat(r["event_date"])
        found = resolve_date(r["notes"], reported_on=reported, lang="en")
        dates += found is not None and found.date == reported
        fatalities += count_fatalities(r["notes"], lang="en").count == int(r["fatalities"])
    return len(rows), dates / len(rows), fatalities / len(rows)


def _speed(rows: list[dict[str, str]]) -> None:
    """Texts per second of each function over every note."""
    texts = [(r["notes"], dt.date.fromisoformat(r["event_date"])) for r in rows]
    calls = {
        "find_numbers": lambda t, d: find_numbers(t),
        "resolve_date": lambda t, d: resolve_date(t, reported_on=d, lang="en"),
        "count_fatalities": lambda t, d: count_fatalities(t, lang="en"),
    }
    for name, call in calls.items():
        start = time.perf_counter()
        for text, day in texts:
            call(text, day)
        seconds = time.perf_counter() - start
        print(f"{name:>17}: {len(texts) / seconds:8.0f} texts/s "
              f"({1000 * seconds / len(texts):.3f} ms per text)")


def _errors(rows: list[dict[str, str]], limit: int) -> None:
    """Print fatality errors of the tuning period, to read."""
    shown = 0
    for r in rows:
        found = count_fatalities(r["notes"], lang="en")
        if found.count != int(r["fatalities"]) and shown < limit:
            shown += 1
            print(f"--- coded {r['fatalities']} got {found.count} {found.phrases}\n{r['notes']}")


if __name__ == "__main__":
    sys.exit(main())
