"""Benchmark: the rolling-origin forecast backtest on the shared ACLED events (issue 20).

Run from the repository root::

    .venv/bin/python bench/forecast.py [--repeats 3] [--seed 12345678] [--timed-only]

The events of ``../shared/data/acled_sahel.csv`` (1997-01 to 2019-07) go through the analytics
store's columnar importer (:func:`liptako.warning.store_acled.csv_to_parquet`: the importer's
rules, each event placed on the shipped admin-1 units) and their actors through the actor
registry, into the panel of 62 units x months the ``liptako forecast backtest`` command
builds from the database. Then:

* timed: the whole backtest (features, a quantile regression forest trained at each origin
  and horizon, 1,000 draws per unit, the four baselines, scoring) for origins 2017-07 to
  2018-12 and horizons 1 to 6, ``--repeats`` times; the median against the 60 s target, and
  each model's CRPS, by horizon, and its ratio to the best baseline (target: the learned
  model at most 0.90 x); every run must give the same scores (exit 1 otherwise);
* the origins the model and its settings were chosen on (2015-01 to 2017-06);
* held out, never used to choose anything: origins 2018-07 to 2019-06, whose target months
  are the file's last year (2018-08 to 2019-07; later ones are not scored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
import sklearn

from liptako.core.clock import month_id, month_start
from liptako.incidents.rules import EVENT_TYPES
from liptako.intel.normalise import normalise
from liptako.warning.analytics.backtest import BacktestResult, BacktestSettings, rolling_backtest
from liptako.warning.analytics.forecast_model import QuantileForest
from liptako.warning.analytics.panel import Panel, panel_from_events
from liptako.warning.areas import areas
from liptako.warning.forecast import LEARNED
from liptako.warning.rules import ACTOR_CLASSES, actor_class
from liptako.warning.schemas import DEFAULT_SEED
from liptako.warning.store_acled import csv_to_parquet

REPO = Path(__file__).resolve().parents[1]
ACLED = REPO / ".." / "shared" / "data" / "acled_sahel.csv"
TIME_TARGET_S = 60.0
SKILL_TARGET = 0.90
ACTOR_COLUMNS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")
WINDOWS = {  # name: (first origin, last origin, what it is)
    "timed": ("2017-07", "2018-12", "timed"),
    "chosen on": ("2015-01", "2017-06", "the model and its settings were chosen on these"),
    "held out": ("2018-07", "2019-06", "targets in the file's last year, never used to "
                 "choose"),
}


def acled_panel() -> tuple[Panel, int]:
    """The shared ACLED events as the forecasting panel, and the events left out (no unit)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "events.parquet"
        csv_to_parquet(ACLED, store, today=dt.date(2026, 1, 1))
        events = pl.read_parquet(store, columns=["source_id", "month_id", "admin1_code",
                                                 "admin2_code", "event_type", "fatalities",
                                                 "civilian_targeting"])
    position = areas("adm1").position()
    events = events.with_columns(pl.coalesce("admin2_code", "admin1_code").alias("unit"))
    placed = events.filter(pl.col("unit").is_in(list(position)))
    flags = _actor_flags(placed["source_id"].to_list())
    flags[:, ACTOR_CLASSES.index("civilians")] |= placed["civilian_targeting"].to_numpy()
    months = placed["month_id"].to_numpy()
    panel = panel_from_events(
        units=[position[u] for u in placed["unit"]], months=months,
        types=[EVENT_TYPES.index(t) for t in placed["event_type"]],
        fatalities=placed["fatalities"].to_numpy(), n_units=len(position),
        first_month=int(months.min()), last_month=int(months.max()), event_types=EVENT_TYPES,
        actor_flags=flags, actor_classes=ACTOR_CLASSES)
    return panel, events.height - placed.height


def _actor_flags(source_ids: list[str]) -> np.ndarray:
    """Each event's actor classes, its actor strings resolved by the actor registry as the
    importer resolves them (each distinct string once)."""
    actors = pl.read_csv(ACLED, columns=["event_id_cnty", *ACTOR_COLUMNS],
                         infer_schema_length=0).unique("event_id_cnty")
    names = {row[0]: [n.strip() for v in row[1:] if v for n in v.split(";") if n.strip()]
             for row in actors.iter_rows()}
    classes: dict[str, set[str]] = {}
    for raw in {n for ns in names.values() for n in ns}:
        classes[raw] = {c for m in normalise(raw, source="acled")
                        if (c := actor_class(m.actor_id)) is not None}
    flags = np.zeros((len(source_ids), len(ACTOR_CLASSES)), dtype=bool)
    for row, sid in enumerate(source_ids):
        for raw in names.get(sid, ()):
            for c in classes[raw]:
                flags[row, ACTOR_CLASSES.index(c)] = True
    return flags


def origins(first: str, last: str) -> tuple[int, ...]:
    start, end = (month_id(dt.date.fromisoformat(f"{m}-01")) for m in (first, last))
    return tuple(range(start, end + 1))


def run(panel: Panel, window: str, seed: int) -> BacktestResult:
    first, last, _ = WINDOWS[window]
    settings = BacktestSettings(origins=origins(first, last), seed=seed)
    return rolling_backtest(panel, areas("adm1").neighbours, settings,
                            models={LEARNED: QuantileForest()})


def print_scores(result: BacktestResult) -> float | None:
    """A table of each model's scores; the learned model's ratio to the best baseline."""
    summary = result.summary()
    horizons = [str(h) for h in result.settings.horizons]
    print(f"  {'model':18} {'CRPS':>7} {'ratio':>6} {'Brier25':>8} {'cover80':>8}  "
          + " ".join(f"{'h' + h:>6}" for h in horizons) + "  (CRPS by months ahead)")
    for name, v in summary.items():
        by_h = " ".join(f"{v['crps_by_horizon'][h]:6.4f}" if v["crps_by_horizon"][h] is not None
                        else f"{'-':>6}" for h in horizons)
        print(f"  {name:18} {v['crps']:7.4f} {v['crps_ratio_to_best_baseline']:6.3f} "
              f"{v['brier_25']:8.4f} {v['coverage_80']:8.3f}  {by_h}")
    scored = int(result.scored.sum())
    print(f"  {scored} of {result.scored.size} origin-horizon pairs scored x 62 units"
          + (f" (targets after {month_start(result.last_month):%Y-%m} not scored)"
             if scored < result.scored.size else ""))
    ratio: float | None = summary[LEARNED]["crps_ratio_to_best_baseline"]
    return ratio


def timed_section(panel: Panel, args: argparse.Namespace) -> bool:
    walls, cpus, results = [], [], []
    for _ in range(args.repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        results.append(run(panel, "timed", args.seed))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    same = all(np.array_equal(r.crps[LEARNED], results[0].crps[LEARNED], equal_nan=True)
               for r in results)
    median = statistics.median(walls)
    first, last, _ = WINDOWS["timed"]
    print(f"\ntimed: origins {first}..{last}, horizons 1-6, 1,000 draws, {args.repeats} runs")
    print(f"  backtest median {median:.1f} s (runs {', '.join(f'{w:.1f}' for w in walls)} s; "
          f"CPU median {statistics.median(cpus):.1f} s); target <= {TIME_TARGET_S:.0f} s: "
          f"{'met' if median <= TIME_TARGET_S else 'NOT met'}")
    print(f"  the runs' scores are {'identical' if same else 'DIFFERENT'} (seed {args.seed})")
    ratio = print_scores(results[0])
    _verdict(ratio)
    return same


def window_section(panel: Panel, name: str, args: argparse.Namespace) -> None:
    first, last, what = WINDOWS[name]
    started = time.perf_counter()
    result = run(panel, name, args.seed)
    print(f"\n{name}: origins {first}..{last} ({what}); {time.perf_counter() - started:.1f} s")
    _verdict(print_scores(result))


def _verdict(ratio: float | None) -> None:
    if ratio is None:
        print("  nothing scored")
        return
    print(f"  {LEARNED} / best baseline: {ratio:.3f}; target <= {SKILL_TARGET:.2f}: "
          f"{'met' if ratio <= SKILL_TARGET else 'NOT met'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--timed-only", action="store_true",
                    help="Skip the windows the model was chosen on and held out.")
    args = ap.parse_args()
    print(f"python {platform.python_version()}  numpy {np.__version__}  scikit-learn "
          f"{sklearn.__version__}  nproc {os.cpu_count()}")
    if not ACLED.exists():
        print(f"ACLED: {ACLED} not found, skipped")
        return 0
    started = time.perf_counter()
    panel, left_out = acled_panel()
    print(f"ACLED (../shared/data/acled_sahel.csv): {panel.events.sum():,} events, "
          f"{panel.fatalities.sum():,} fatalities in {panel.n_units} units x {panel.n_months} "
          f"months ({month_start(panel.first_month):%Y-%m}..{month_start(panel.last_month):%Y-%m}"
          f"), {left_out} in no unit left out; read in {time.perf_counter() - started:.1f} s "
          "(not timed below)")
    ok = timed_section(panel, args)
    if not args.timed_only:
        for name in ("chosen on", "held out"):
            window_section(panel, name, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
