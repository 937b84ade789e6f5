"""The evaluation's pieces: macro-F1 as scikit-learn defines it, the model's training end read
from the shipped file, distances, and rows split at the training end."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pytest

from helpers.data import ACLED_DYADIC, acled_rows, to_csv
from liptako.intake.evaluate import evaluate_acled, km, macro_f1, model_trained_until


def test_macro_f1_by_hand() -> None:
    truth = ["a", "a", "b", "b", "c"]
    guess = ["a", "b", "b", "b", "a"]
    # a: tp 1, fp 1, fn 1 -> 0.5; b: tp 2, fp 1, fn 0 -> 0.8; c: tp 0, fn 1 -> 0
    assert macro_f1(truth, guess) == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert macro_f1(["x"], ["x"]) == 1.0


def test_the_shipped_model_knows_its_training_end(tmp_path: Path) -> None:
    assert model_trained_until() == dt.date(2018, 12, 31)
    bare = tmp_path / "bare.npz"
    np.savez(bare, terms=np.array(["w:a"]))
    with pytest.raises(ValueError, match="expected a trained_until date"):
        model_trained_until(bare)


def test_km_of_a_degree_of_latitude() -> None:
    assert km(14.0, -3.0, 15.0, -3.0) == pytest.approx(111.2, abs=0.1)


def test_only_rows_after_the_training_end_are_scored() -> None:
    header, rows = acled_rows(ACLED_DYADIC)
    picked = [r for r in rows if r["event_date"] >= "2019-07-25"][:4]
    picked += [r for r in rows if r["event_date"] <= "2018-12-31"][:3]
    picked.append({**picked[0], "event_id_cnty": "NEW1", "notes": ""})
    found = evaluate_acled(io.StringIO(to_csv(header, picked)),
                           trained_until=dt.date(2019, 7, 24))
    assert found.rows == 4
    assert found.skipped_before_training_end == 3
    assert found.skipped_without_notes == 1
    assert found.as_dict()["trained_until"] == "2019-07-24"
