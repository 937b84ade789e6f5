"""Forecasting features: what is known of each unit at the end of each month.

Row ``(u, t)`` of :attr:`Features.values` describes unit ``u`` as it stood at the end of month
``t``, from the counts of months ``<= t`` only: every feature is a causal filter along the
months (lags, trailing means and maxima, exponential decays, months since the last event),
a sum over the same month's neighbours, or the calendar. A forecast made at origin ``o`` reads
row ``o``, and a model of horizon ``h`` learns from rows ``t`` whose target month ``t + h`` is
no later than ``o``; so computing the features once over the whole panel gives every origin
the same numbers as computing them on the data up to that origin (a test plants a future
event to show it).

Fatalities enter as ``log1p``, the scale the forecasts are scored on; event counts as
``log1p`` of their decays. Before the panel's first month every count is taken as zero, the
same as a month without events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse
from numpy.typing import NDArray
from scipy.signal import lfilter

from liptako.warning.analytics.neighbours import Neighbours
from liptako.warning.analytics.panel import Panel

NEVER = 120  # months since the last event, for a unit without one (or longer ago)
FATAL_MONTH = 25  # fatalities in a month that count as "a deadly month" (the Brier event)

Array = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Features:
    """Feature ``j`` of unit ``u`` at the end of month column ``t``: ``values[u, t, j]``."""

    names: tuple[str, ...]
    values: NDArray[np.float32]

    def __post_init__(self) -> None:
        if self.values.ndim != 3 or self.values.shape[2] != len(self.names):
            raise ValueError(f"expected values of shape (units, months, {len(self.names)}), "
                             f"got {self.values.shape}")
        self.values.setflags(write=False)


def build_features(panel: Panel, neighbours: Neighbours) -> Features:
    """The features of every unit and month of ``panel``.

    Parameters
    ----------
    panel : Panel
    neighbours : Neighbours
        Who borders whom, in the panel's unit order.

    Returns
    -------
    Features

    Examples
    --------
    >>> from liptako.warning.analytics.panel import panel_from_events
    >>> p = panel_from_events(units=[0, 1], months=[2, 4], types=[0, 0], fatalities=[9, 0],
    ...                       n_units=2, first_month=1, last_month=5, event_types=("battle",))
    >>> f = build_features(p, Neighbours.from_lists([[1], [0]]))
    >>> since = f.values[:, :, f.names.index("since_event")]
    >>> since.tolist()
    [[120.0, 0.0, 1.0, 2.0, 3.0], [120.0, 120.0, 120.0, 0.0, 1.0]]
    >>> [round(float(v), 2) for v in f.values[1, :, f.names.index("nb_y")]]
    [0.0, 2.3, 0.0, 0.0, 0.0]
    """
    if neighbours.n_units != panel.n_units:
        raise ValueError(f"expected neighbours of the panel's {panel.n_units} units, got "
                         f"{neighbours.n_units}")
    columns: dict[str, Array] = {}
    y = np.log1p(panel.fatalities.astype(np.float64))
    events = panel.events.sum(axis=0).astype(np.float64)
    columns.update(_temporal(y, events))
    columns.update(_mix(panel, events))
    columns.update(_since(panel.fatalities, events))
    columns.update(_spatial(y, events, neighbours))
    columns.update(_context(y, panel))
    values = np.stack(list(columns.values()), axis=2).astype(np.float32)
    return Features(tuple(columns), values)


def _temporal(y: Array, events: Array) -> dict[str, Array]:
    out = {"y": y}
    for k in (1, 2, 3, 6, 12):
        out[f"y_lag{k}"] = lag(y, k)
    for window in (3, 6, 12, 36):
        out[f"y_mean{window}"] = trailing_mean(y, window)
    out["y_max12"] = trailing_max(y, 12)
    # the shape of the last year's distribution, the unit's own "conflictology"
    recent = np.sort(np.stack([lag(y, k) if k else y for k in range(12)], axis=2), axis=2)
    for q, k in (("min", 0), ("q25", 3), ("median", 6), ("q75", 9)):
        out[f"y_{q}12"] = recent[:, :, k]
    out["fatal_share12"] = (recent > 0).mean(axis=2)
    for half_life in (3, 12):
        out[f"y_decay{half_life}"] = decay(y, half_life)
    out["events"] = np.log1p(events)
    for half_life in (3, 12):
        out[f"events_decay{half_life}"] = np.log1p(decay(events, half_life))
    # the unit's whole past: a slowly moving level that trees can split on
    months = np.arange(1, y.shape[1] + 1, dtype=np.float64)
    out["y_mean_all"] = np.cumsum(y, axis=1) / months
    return out


def _mix(panel: Panel, events: Array) -> dict[str, Array]:
    """What kind of violence: decayed counts of each event type, and the share of recent
    events involving each actor class."""
    out = {f"{kind}_decay3": np.log1p(decay(panel.events[k].astype(np.float64), 3))
           for k, kind in enumerate(panel.event_types)}
    recent = decay(events, 6)
    for c, name in enumerate(panel.actor_classes):
        involved = decay(panel.actors[c].astype(np.float64), 6)
        out[f"share_{name}"] = np.divide(involved, recent, out=np.zeros_like(recent),
                                         where=recent > 1e-9)
    return out


def _since(fatalities: NDArray[np.int64], events: Array) -> dict[str, Array]:
    return {"since_event": months_since(events > 0),
            "since_fatal": months_since(fatalities > 0),
            "since_deadly": months_since(fatalities >= FATAL_MONTH)}


def _spatial(y: Array, events: Array, neighbours: Neighbours) -> dict[str, Array]:
    """The same month's neighbours: their mean and largest values (0 without neighbours)."""
    n = neighbours.n_units
    weights = scipy.sparse.csr_array(
        (np.ones(neighbours.indices.size), neighbours.indices, neighbours.indptr),
        shape=(n, n))
    degree = np.maximum(neighbours.cardinalities, 1).astype(np.float64)[:, None]

    def mean(x: Array) -> Array:
        total: Array = weights @ x
        return total / degree

    largest = np.zeros_like(y)
    rows = np.repeat(np.arange(n), neighbours.cardinalities)
    np.maximum.at(largest, rows, y[neighbours.indices])
    y3 = decay(y, 3)
    return {"nb_y": mean(y), "nb_y_decay3": mean(y3), "nb_y_decay12": mean(decay(y, 12)),
            "nb_y_max": largest, "nb_events_decay3": np.log1p(mean(decay(events, 3))),
            "nb_gap3": y3 - mean(y3)}


def _context(y: Array, panel: Panel) -> dict[str, Array]:
    """The whole region's month, and the calendar (the rainy season slows operations)."""
    total = np.log1p(panel.fatalities.sum(axis=0).astype(np.float64))
    everywhere = np.broadcast_to(decay(total[None, :], 3), y.shape)
    calendar = (panel.first_month - 1 + np.arange(panel.n_months)) % 12
    angle = 2 * np.pi * calendar / 12
    return {"all_y_decay3": everywhere,
            "month_sin": np.broadcast_to(np.sin(angle), y.shape),
            "month_cos": np.broadcast_to(np.cos(angle), y.shape)}


def lag(x: Array, k: int) -> Array:
    """``x`` of ``k`` months before (0 before the first month).

    >>> lag(np.array([[1.0, 2.0, 3.0]]), 1).tolist()
    [[0.0, 1.0, 2.0]]
    """
    out = np.zeros_like(x)
    out[:, k:] = x[:, :-k]
    return out


def trailing_mean(x: Array, window: int) -> Array:
    """Mean of the ``window`` months up to and including each month.

    >>> trailing_mean(np.array([[3.0, 0.0, 6.0]]), 2).tolist()
    [[1.5, 1.5, 3.0]]
    """
    total = np.cumsum(x, axis=1)
    total[:, window:] -= total[:, :-window].copy()
    out: Array = total / window
    return out


def trailing_max(x: Array, window: int) -> Array:
    """Largest value of the ``window`` months up to and including each month.

    >>> trailing_max(np.array([[3.0, 0.0, 1.0, 0.0]]), 2).tolist()
    [[3.0, 3.0, 1.0, 1.0]]
    """
    out = x.copy()
    for k in range(1, window):
        out[:, k:] = np.maximum(out[:, k:], x[:, :-k])
    return out


def decay(x: Array, half_life: float) -> Array:
    """Exponentially decayed mean of the months up to each one, halving its weight every
    ``half_life`` months: ``s[t] = a * s[t - 1] + (1 - a) * x[t]``.

    >>> decay(np.array([[2.0, 0.0, 0.0]]), 1).tolist()
    [[1.0, 0.5, 0.25]]
    """
    a = 0.5 ** (1.0 / half_life)
    out: Array = lfilter([1.0 - a], [1.0, -a], x, axis=-1)
    return out


def months_since(happened: NDArray[np.bool_]) -> Array:
    """Months since the last month with ``happened`` (0 in that month), :data:`NEVER` at
    most.

    >>> months_since(np.array([[False, True, False, False]])).tolist()
    [[120.0, 0.0, 1.0, 2.0]]
    """
    columns = np.arange(happened.shape[1])
    last = np.where(happened, columns, -1)
    np.maximum.accumulate(last, axis=1, out=last)
    out = np.where(last >= 0, columns - last, NEVER).astype(np.float64)
    return np.minimum(out, NEVER)
