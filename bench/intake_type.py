"""Event type and actors of ACLED's notes: accuracy, macro-F1, actor1 found, texts per second.

    .venv/bin/python bench/intake_type.py [../shared/data/acled_sahel.csv]

Figures on rows up to TRAINED_UNTIL (seen in training: an upper bound) and after it (the
held-out period, where the targets apply); exits 1 below a target there. The row's country
(``iso3``) is passed to the actor finder, as the place extractor would give it.
``actor1_found`` counts a row when an actor its coded actor1 resolves to was found;
``actor1_found_or_unit`` also when a found actor is a unit of it (Katiba Macina for JNIM).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import time
from pathlib import Path

from sklearn.metrics import f1_score

from liptako.incidents.rules import acled_event_type
from liptako.intake.actors import find_actors
from liptako.intake.classify import classify_event_type, shipped_model
from liptako.intel.actors import ActorRegistry
from liptako.intel.normalise import resolve

TRAINED_UNTIL = "2018-12-31"
TARGETS = {"event_type_accuracy": 0.92, "actor1_found": 0.75}


def _lineage(actor_id: str, registry: ActorRegistry) -> set[str]:
    out = set()
    current: str | None = actor_id
    while current and current not in out and registry.has(current):
        out.add(current)
        current = registry.get(current).parent
    return out


def measure(rows: list[dict[str, str]], registry: ActorRegistry) -> dict[str, float]:
    truth, guess, found, found_unit = [], [], 0, 0
    started = time.perf_counter()
    for row in rows:
        on = dt.date.fromisoformat(row["event_date"])
        guess.append(classify_event_type(row["notes"]).event_type)
        truth.append(acled_event_type(row["event_type"]))
        ids = {f.actor_id for f in find_actors(row["notes"], on=on, country=row["iso3"])}
        coded = {m.actor_id for m in resolve(row["actor1"], on=on, source="acled").matches}
        found += bool(coded & ids)
        widened = set().union(*(_lineage(i, registry) for i in ids)) if ids else set()
        found_unit += bool(coded & widened)
    seconds = time.perf_counter() - started
    n = len(rows)
    return {
        "rows": n,
        "event_type_accuracy": round(sum(t == g for t, g in zip(truth, guess, strict=True)) / n, 4),
        "event_type_macro_f1": round(float(f1_score(truth, guess, average="macro")), 4),
        "actor1_found": round(found / n, 4),
        "actor1_found_or_unit": round(found_unit / n, 4),
        "texts_per_second": round(n / seconds, 1),
    }


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "../shared/data/acled_sahel.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["notes"].strip()]
    shipped_model()
    registry = ActorRegistry.load()
    seen = measure([r for r in rows if r["event_date"] <= TRAINED_UNTIL], registry)
    held = measure([r for r in rows if r["event_date"] > TRAINED_UNTIL], registry)
    print(json.dumps({"trained_until": TRAINED_UNTIL, "up_to": seen, "after": held}, indent=1))
    short = [k for k, target in TARGETS.items() if held[k] < target]
    for k in short:
        print(f"below target: {k} {held[k]} < {TARGETS[k]}", file=sys.stderr)
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
