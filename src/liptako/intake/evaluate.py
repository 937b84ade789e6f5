"""The extractor against ACLED's coded fields: each row's ``notes`` read with its
``event_date`` as the report date, the draft compared with what ACLED's coders wrote.

Only rows dated after the shipped model's ``trained_until`` are scored: the event-type model
was trained on the rows up to it, and the places, fatality and actor rules were tuned on them
(the place index also holds ACLED's sites up to then), so every figure is on the held-out
period. Earlier rows are skipped and counted as skipped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from liptako.incidents.schemas import EventRecord
from liptako.ingest.acled import read_acled
from liptako.ingest.records import RowError
from liptako.intake.classify import MODEL_PATH
from liptako.intake.schemas import Draft
from liptako.intake.service import extract
from liptako.intel.normalise import resolve

__all__ = ["Evaluation", "evaluate_acled", "macro_f1", "model_trained_until"]

WITHIN_KM: Final = 25.0
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Evaluation:
    """Shares of held-out rows the extractor got right, and what was skipped and why."""

    rows: int
    trained_until: dt.date
    event_type_accuracy: float
    event_type_macro_f1: float
    fatalities_exact: float
    place_within_25km: float
    actor1_found: float
    date_exact: float
    skipped_before_training_end: int
    skipped_without_notes: int
    skipped_invalid: int

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of ``liptako intake evaluate``."""
        out = dict(self.__dict__)
        out["trained_until"] = self.trained_until.isoformat()
        return out


def model_trained_until(path: Path = MODEL_PATH) -> dt.date:
    """The last event date of the rows the shipped event-type model was trained on."""
    with np.load(path, allow_pickle=False) as data:
        if "trained_until" not in data.files:
            raise ValueError(f"{path.name}: expected a trained_until date in the model, found "
                             "none (run scripts/train_intake.py --stamp-only)")
        return dt.date.fromisoformat(str(data["trained_until"]))


def macro_f1(truth: list[str], guess: list[str]) -> float:
    """The mean of each class's F1 over the classes either list holds (as scikit-learn's)."""
    labels = set(truth) | set(guess)
    if not labels:
        return 0.0
    pairs = Counter(zip(truth, guess, strict=True))
    scores = []
    for label in labels:
        tp = pairs[(label, label)]
        fp = sum(n for (t, g), n in pairs.items() if g == label and t != label)
        fn = sum(n for (t, g), n in pairs.items() if t == label and g != label)
        scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, R = 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def evaluate_acled(
    handle: Iterable[str] | Iterable[bytes], *, trained_until: dt.date | None = None,
    progress: Progress | None = None,
) -> Evaluation:
    """Score :func:`~liptako.intake.service.extract` on an ACLED file's rows after
    ``trained_until`` (by default the shipped model's); ``progress(done, total)`` per row."""
    until = trained_until or model_trained_until()
    # no clock: a date in the future is not this evaluation's business
    parsed = list(read_acled(handle, today=dt.date.max))
    records = [r for r in parsed if isinstance(r, EventRecord)]
    held = [r for r in records if r.occurred_on > until and r.description]
    tally = _Tally()
    for done, record in enumerate(held, start=1):
        # the language is guessed, as for a pasted text: ACLED's notes are English
        tally.add(record, extract(record.description or "", reported_on=record.occurred_on))
        if progress is not None:
            progress(done, len(held))
    return tally.result(
        until, skipped_before=sum(r.occurred_on <= until for r in records),
        skipped_without_notes=sum(r.occurred_on > until and not r.description for r in records),
        skipped_invalid=sum(isinstance(r, RowError) for r in parsed),
    )


class _Tally:
    """Counts of right answers, row by row."""

    def __init__(self) -> None:
        self.truth: list[str] = []
        self.guess: list[str] = []
        self.fatalities = self.places = self.actors = self.dates = 0

    def add(self, record: EventRecord, draft: Draft) -> None:
        self.truth.append(record.event_type)
        self.guess.append(draft.event_type.value or "")
        self.fatalities += draft.fatalities.value == record.fatalities
        place = draft.place.value
        self.places += place is not None and km(place.lat, place.lon, record.lat,
                                                 record.lon) <= WITHIN_KM
        self.actors += _actor1_found(record, draft)
        self.dates += draft.date.value == record.occurred_on

    def result(self, until: dt.date, *, skipped_before: int, skipped_without_notes: int,
               skipped_invalid: int) -> Evaluation:
        n = len(self.truth)

        def share(count: int) -> float:
            return round(count / n, 4) if n else 0.0

        return Evaluation(
            rows=n, trained_until=until,
            event_type_accuracy=share(sum(t == g for t, g in zip(self.truth, self.guess,
                                                                  strict=True))),
            event_type_macro_f1=round(macro_f1(self.truth, self.guess), 4),
            fatalities_exact=share(self.fatalities), place_within_25km=share(self.places),
            actor1_found=share(self.actors), date_exact=share(self.dates),
            skipped_before_training_end=skipped_before,
            skipped_without_notes=skipped_without_notes, skipped_invalid=skipped_invalid,
        )


def _actor1_found(record: EventRecord, draft: Draft) -> bool:
    """Whether an actor the coded actor1 resolves to is among the draft's actors."""
    coded = {m.actor_id for a in record.actors if a.role == "actor1"
             for m in resolve(a.raw, on=record.occurred_on, source="acled").matches}
    found = {a.id for field in (draft.perpetrator, draft.target) for a in field.value or ()}
    return bool(coded & found)
