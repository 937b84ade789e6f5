"""Benchmark: the whole intake (a text to a draft incident) over ACLED's notes.

Run from the repository root::

    .venv/bin/python bench/intake.py [--csv ../shared/data/acled_sahel.csv]

Prints the load time of each part (model, gazetteer, admin units, actor registry), then the
texts per second of :func:`liptako.intake.service.extract` over every note of the file with
the median and p95 milliseconds per text, then the evaluation JSON of ``liptako intake
evaluate`` on the same file (rows after the model's training end only). Exits 1 when the
median text takes more than 50 ms, 2 when the file is not there. The evaluation's own targets
(issue 23) are checked by bench/intake_type.py, intake_rules.py and intake_places.py.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

from liptako.core.geo import admin_index
from liptako.intake.actors import find_actors
from liptako.intake.classify import shipped_model
from liptako.intake.evaluate import evaluate_acled
from liptako.intake.placenames import place_index
from liptako.intake.service import extract

REPO = Path(__file__).resolve().parents[1]
ACLED = REPO.parent / "shared" / "data" / "acled_sahel.csv"
TARGET_MS = 50.0


def _load() -> None:
    """Load each part once, timing it, so that the texts' times are after loading."""
    parts = {"event-type model": shipped_model, "gazetteer and ACLED sites": place_index,
             "admin units": admin_index, "actor registry and names": lambda: find_actors("GSIM")}
    for name, load in parts.items():
        started = time.perf_counter()
        load()
        print(f"load {name}: {time.perf_counter() - started:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=ACLED)
    args = parser.parse_args()
    if not args.csv.exists():
        print(f"no file at {args.csv}", file=sys.stderr)
        return 2
    with args.csv.open(encoding="utf-8", newline="") as f:
        texts = [(r["notes"], dt.date.fromisoformat(r["event_date"]))
                 for r in csv.DictReader(f) if r["notes"].strip()]
    _load()
    started = time.perf_counter()
    extract(texts[0][0], reported_on=texts[0][1])
    print(f"first text (the rest loaded): {time.perf_counter() - started:.2f} s")
    times = []
    started = time.perf_counter()
    for text, day in texts:
        t0 = time.perf_counter()
        extract(text, reported_on=day)
        times.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"extract: {len(texts)} texts in {elapsed:.1f} s, {len(texts) / elapsed:.0f} texts/s, "
          f"median {median:.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms per text")
    with args.csv.open("rb") as handle:
        print(json.dumps(evaluate_acled(handle).as_dict(), indent=1))
    ok = median <= TARGET_MS
    print(f"target: median <= {TARGET_MS:.0f} ms per text: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
