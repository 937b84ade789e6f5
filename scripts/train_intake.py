"""Train the intake's event-type model from ACLED's notes and write it as plain arrays.

Run from the repository root, with the project's ACLED file in ``../shared/data``::

    .venv/bin/python scripts/train_intake.py [--data ../shared/data/acled_sahel.csv]
        [--until 2018-12-31] [--evaluate 2019-01-01:2019-07-31] [--seed 0]
        [--out src/liptako/intake/data/event_type.npz]
    .venv/bin/python scripts/train_intake.py --stamp-only [--until 2018-12-31]

Rows dated up to ``--until`` with a note train the model; ``--evaluate FROM:TO`` prints the
accuracy and macro-F1 on the rows of that period, with the cue rules and without. Later
years weigh more (the weight doubles every ``--half-life`` years), because ACLED's coding of
the same words moved over time. Classes weigh inversely to their frequency (``--class-weight
balanced``), so the rarer riots and strategic developments are not drowned by the
commoner types. The solver is deterministic; the seed is kept for the record.
The model's file also records ``--until`` as ``trained_until``, so that an evaluation knows
which rows the model saw; ``--stamp-only`` writes that date into an existing file, its arrays
unchanged, without training.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from liptako.incidents.rules import acled_event_type
from liptako.intake.classify import MODEL_PATH, TypeModel, classify_event_type, features, prepare


def read_rows(path: Path, start: str, end: str) -> list[tuple[str, str, str]]:
    """(date, note, common event type) of the rows with a note dated in [start, end]."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            (r["event_date"], r["notes"].strip(), acled_event_type(r["event_type"]) or "")
            for r in csv.DictReader(handle)
        ]
    return [r for r in rows if start <= r[0] <= end and r[1] and r[2]]


def train(rows: list[tuple[str, str, str]], *, seed: int, half_life: float, c: float,
          class_weight: str | None = "balanced") -> TypeModel:
    """Fit TF-IDF and logistic regression; keep only their arrays."""
    last_year = max(int(d[:4]) for d, _, _ in rows)
    weights = np.array([2 ** ((int(d[:4]) - last_year) / half_life) for d, _, _ in rows])
    vectoriser = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=2)
    matrix = vectoriser.fit_transform([prepare(note, "en") for _, note, _ in rows])
    model = LogisticRegression(C=c, max_iter=5000, random_state=seed,
                               class_weight=class_weight)
    model.fit(matrix, [t for _, _, t in rows], sample_weight=weights)
    return TypeModel(
        vocabulary={str(k): int(v) for k, v in vectoriser.vocabulary_.items()},
        idf=np.asarray(vectoriser.idf_, dtype=np.float64),
        coef=np.asarray(model.coef_, dtype=np.float64),
        intercept=np.asarray(model.intercept_, dtype=np.float64),
        classes=tuple(str(c) for c in model.classes_),
    )


def evaluate(model: TypeModel, rows: list[tuple[str, str, str]]) -> None:
    """Print accuracy and macro-F1 with and without the cue rules."""
    truth = [t for _, _, t in rows]
    plain = [model.classes[int(np.argmax(model.probabilities(prepare(n, "en"))))]
             for _, n, _ in rows]
    ruled = [classify_event_type(n, lang="en", model=model).event_type for _, n, _ in rows]
    for name, guess in (("model", plain), ("model+rules", ruled)):
        print(f"{name}: rows {len(rows)} accuracy {accuracy_score(truth, guess):.4f} "
              f"macro-F1 {f1_score(truth, guess, average='macro'):.4f}")


def stamp(path: Path, until: str) -> None:
    """Record ``until`` as the model's ``trained_until`` beside its arrays, left as they are."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["trained_until"] = np.array(until)
    np.savez_compressed(path, **arrays)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/acled_sahel.csv"))
    parser.add_argument("--until", default="2018-12-31")
    parser.add_argument("--evaluate", default=None, help="FROM:TO, ISO dates")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--half-life", type=float, default=2.0)
    parser.add_argument("--c", type=float, default=10.0)
    parser.add_argument("--class-weight", choices=("balanced", "none"), default="balanced")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--stamp-only", action="store_true",
                        help="only record --until as the trained_until of the model in --out")
    args = parser.parse_args(argv)
    dt.date.fromisoformat(args.until)
    if args.stamp_only:
        stamp(args.out, args.until)
        print(f"recorded trained_until {args.until} in {args.out}")
        return 0
    rows = read_rows(args.data, "0000", args.until)
    weight = None if args.class_weight == "none" else args.class_weight
    model = train(rows, seed=args.seed, half_life=args.half_life, c=args.c, class_weight=weight)
    model.save(args.out)
    stamp(args.out, args.until)
    print(f"trained on {len(rows)} rows <= {args.until}; {len(model.vocabulary)} terms; "
          f"wrote {args.out}")
    if args.evaluate:
        start, end = args.evaluate.split(":")
        evaluate(model, read_rows(args.data, start, end))
    return 0


if __name__ == "__main__":
    sys.exit(main())
