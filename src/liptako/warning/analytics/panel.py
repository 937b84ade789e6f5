"""The forecasting panel: counts per unit and calendar month, every month of every unit.

A forecast is about units and months (VIEWS' "cm" and "pgm" levels; here the 62 shipped
admin-1 units). The panel holds, for each unit and month, the fatalities, the events of each
type and the events involving each class of actor; a month without events is a row of zeros,
never a missing row, so that every model and baseline is scored on the same cases.

Months are ``month_id`` integers, January 1980 being 1 (:func:`liptako.core.clock.month_id`,
the convention of the conflict-forecasting community); column ``k`` of every array is month
``first_month + k``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

TARGET_FATALITIES = "fatalities"


@dataclass(frozen=True, eq=False)
class Panel:
    """Counts per unit (rows) and month (columns), validated and read-only.

    Parameters
    ----------
    first_month : int
        ``month_id`` of column 0.
    fatalities : array of int, shape (n_units, n_months)
    events : array of int, shape (n_types, n_units, n_months)
        Events of each of ``event_types``.
    actors : array of int, shape (n_classes, n_units, n_months)
        Events involving an actor of each of ``actor_classes`` (an event may count in
        several classes or none).
    event_types, actor_classes : tuple of str

    Examples
    --------
    >>> p = panel_from_events(units=[0, 0, 1], months=[481, 483, 483], types=[0, 1, 0],
    ...                       fatalities=[3, 0, 7], n_units=2, first_month=481,
    ...                       last_month=484, event_types=("battle", "riot"))
    >>> p.fatalities.tolist()
    [[3, 0, 0, 0], [0, 0, 7, 0]]
    >>> p.events[0].tolist(), p.last_month
    ([[1, 0, 0, 0], [0, 0, 1, 0]], 484)
    """

    first_month: int
    fatalities: NDArray[np.int64]
    events: NDArray[np.int64]
    actors: NDArray[np.int64]
    event_types: tuple[str, ...]
    actor_classes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        fatalities = _counts(self.fatalities, "fatalities", 2)
        events = _counts(self.events, "events", 3)
        actors = _counts(self.actors, "actors", 3)
        if fatalities.shape[1] == 0:
            raise ValueError("expected at least one month, got none")
        for name, array, labels in (("events", events, self.event_types),
                                    ("actors", actors, self.actor_classes)):
            if array.shape[1:] != fatalities.shape:
                raise ValueError(f"expected {name} of shape (n, {fatalities.shape[0]}, "
                                 f"{fatalities.shape[1]}), got {array.shape}")
            if array.shape[0] != len(labels):
                raise ValueError(f"expected one {name} layer per label ({len(labels)}), "
                                 f"got {array.shape[0]}")
        for name, array in (("fatalities", fatalities), ("events", events),
                            ("actors", actors)):
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    @property
    def n_units(self) -> int:
        return int(self.fatalities.shape[0])

    @property
    def n_months(self) -> int:
        return int(self.fatalities.shape[1])

    @property
    def last_month(self) -> int:
        """``month_id`` of the last column: the last month the data cover."""
        return self.first_month + self.n_months - 1

    def column(self, month: int) -> int:
        """The column of a ``month_id`` (it may lie outside the panel)."""
        return month - self.first_month

    def target(self, name: str = TARGET_FATALITIES) -> NDArray[np.int64]:
        """The counts a forecast is about: fatalities, all events, or one event type's."""
        if name == TARGET_FATALITIES:
            return self.fatalities
        if name == "events":
            total: NDArray[np.int64] = self.events.sum(axis=0)
            return total
        if name in self.event_types:
            layer: NDArray[np.int64] = self.events[self.event_types.index(name)]
            return layer
        raise ValueError(f"target: expected fatalities, events or one of "
                         f"{', '.join(self.event_types)}, got {name!r}")


def panel_from_events(*, units: ArrayLike, months: ArrayLike, types: ArrayLike,
                      fatalities: ArrayLike, n_units: int, first_month: int,
                      last_month: int, event_types: Sequence[str],
                      actor_flags: ArrayLike | None = None,
                      actor_classes: Sequence[str] = ()) -> Panel:
    """Count events (one entry each) into a panel of ``n_units`` x months
    ``first_month..last_month``; events outside those months are left out.

    ``units`` are row positions, ``months`` month_ids, ``types`` positions in
    ``event_types``; ``actor_flags`` (n_events, n_classes) of bool says which actor classes
    each event involves.
    """
    unit = np.asarray(units, dtype=np.int64)
    month = np.asarray(months, dtype=np.int64)
    kind = np.asarray(types, dtype=np.int64)
    dead = np.asarray(fatalities, dtype=np.int64)
    flags = (np.zeros((unit.size, len(actor_classes)), dtype=bool) if actor_flags is None
             else np.asarray(actor_flags, dtype=bool).reshape(unit.size, len(actor_classes)))
    if not unit.size == month.size == kind.size == dead.size:
        raise ValueError(f"expected one unit, month, type and fatality count per event, got "
                         f"{unit.size}, {month.size}, {kind.size}, {dead.size}")
    if last_month < first_month:
        raise ValueError(f"expected last_month >= first_month ({first_month}), got "
                         f"{last_month}")
    if unit.size and (unit.min() < 0 or unit.max() >= n_units):
        raise ValueError(f"expected units in [0, {n_units}), got {unit.min()}..{unit.max()}")
    if kind.size and (kind.min() < 0 or kind.max() >= len(event_types)):
        raise ValueError(f"expected types in [0, {len(event_types)}), got "
                         f"{kind.min()}..{kind.max()}")
    n_months = last_month - first_month + 1
    inside = (month >= first_month) & (month <= last_month)
    unit, col, kind, dead, flags = (unit[inside], month[inside] - first_month, kind[inside],
                                    dead[inside], flags[inside])
    fat = np.zeros((n_units, n_months), dtype=np.int64)
    np.add.at(fat, (unit, col), dead)
    events = np.zeros((len(event_types), n_units, n_months), dtype=np.int64)
    np.add.at(events, (kind, unit, col), 1)
    actors = np.zeros((len(actor_classes), n_units, n_months), dtype=np.int64)
    for c in range(len(actor_classes)):
        np.add.at(actors[c], (unit[flags[:, c]], col[flags[:, c]]), 1)
    return Panel(first_month, fat, events, actors, tuple(event_types), tuple(actor_classes))


def _counts(values: ArrayLike, name: str, ndim: int) -> NDArray[np.int64]:
    array = np.asarray(values)
    if array.ndim != ndim:
        raise ValueError(f"expected {name} with {ndim} dimensions, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"expected {name} of integers, got dtype {array.dtype}")
    if array.size and array.min() < 0:
        raise ValueError(f"expected {name} of counts (>= 0), got {array.min()}")
    return np.array(array, dtype=np.int64)  # a private copy, frozen by the caller
