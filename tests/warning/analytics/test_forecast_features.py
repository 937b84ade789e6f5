"""Forecasting features: no feature of a month changes when a later month changes (a planted
future event), and each family of features says what it should on a hand-made panel."""

from __future__ import annotations

import numpy as np
import pytest

from liptako.warning.analytics.features import NEVER, build_features
from liptako.warning.analytics.neighbours import Neighbours, lattice
from liptako.warning.analytics.panel import Panel, panel_from_events

TYPES = ("battle", "violence_against_civilians", "protest")
CLASSES = ("jihadist", "state")


def random_events(seed: int, n: int = 300, units: int = 6, months: int = 40) -> dict:
    rng = np.random.default_rng(seed)
    return dict(units=rng.integers(0, units, n), months=rng.integers(100, 100 + months, n),
                types=rng.integers(0, len(TYPES), n), fatalities=rng.poisson(3.0, n),
                actor_flags=rng.random((n, len(CLASSES))) < 0.4)


def panel_of(events: dict, *, units: int = 6, months: int = 40) -> Panel:
    return panel_from_events(**events, n_units=units, first_month=100,
                             last_month=100 + months - 1, event_types=TYPES,
                             actor_classes=CLASSES)


def plant(events: dict, unit: int, month: int, fatalities: int) -> dict:
    """The same events and one more: a deadly battle with both actor classes."""
    return dict(units=np.append(events["units"], unit),
                months=np.append(events["months"], month),
                types=np.append(events["types"], 0),
                fatalities=np.append(events["fatalities"], fatalities),
                actor_flags=np.vstack([events["actor_flags"], [True, True]]))


@pytest.mark.parametrize(("unit", "column"), [(0, 39), (3, 25), (5, 10), (2, 1)])
def test_a_planted_future_event_changes_no_feature_of_an_earlier_month(
        unit: int, column: int) -> None:
    events = random_events(seed=column)
    neighbours = lattice(2, 3)
    before = build_features(panel_of(events), neighbours)
    after = build_features(panel_of(plant(events, unit, 100 + column, 80)), neighbours)
    assert before.names == after.names
    np.testing.assert_array_equal(before.values[:, :column], after.values[:, :column])
    # the plant is seen from its own month on: by the unit itself and by its neighbours
    changed = before.values[:, column] != after.values[:, column]
    assert changed[unit].sum() >= 10
    for other in neighbours.of(unit):
        assert changed[other, before.names.index("nb_y")]


def test_every_family_of_features_is_there() -> None:
    names = build_features(panel_of(random_events(1)), lattice(2, 3)).names
    for name in ("y", "y_lag1", "y_mean12", "y_decay3", "events", "battle_decay3",
                 "share_jihadist", "since_event", "since_fatal", "nb_y", "nb_y_max",
                 "all_y_decay3", "month_sin"):
        assert name in names
    assert len(names) == len(set(names))


def test_features_on_a_hand_made_panel() -> None:
    # unit 0: 9 deaths in a battle in month 2 (column 1) involving the state; unit 1: quiet
    panel = panel_from_events(units=[0], months=[2], types=[0], fatalities=[9], n_units=2,
                              first_month=1, last_month=5, event_types=TYPES,
                              actor_flags=[[False, True]], actor_classes=CLASSES)
    f = build_features(panel, Neighbours.from_lists([[1], [0]]))

    def get(name: str, unit: int) -> list[float]:
        return [round(float(v), 4) for v in f.values[unit, :, f.names.index(name)]]

    y = round(float(np.log1p(9)), 4)
    assert get("y", 0) == [0, y, 0, 0, 0]
    assert get("y_lag1", 0) == [0, 0, y, 0, 0]
    assert get("y_max12", 0) == [0, y, y, y, y]
    assert get("y_mean3", 0) == [0, round(y / 3, 4), round(y / 3, 4), round(y / 3, 4), 0]
    assert get("since_event", 0) == [NEVER, 0, 1, 2, 3]
    assert get("since_event", 1) == [NEVER] * 5
    assert get("since_deadly", 0) == [NEVER] * 5  # 9 deaths is no month of 25
    assert get("nb_y", 1) == [0, y, 0, 0, 0]
    assert get("share_state", 0)[1:] == [1.0] * 4  # every recent event involved the state
    assert get("share_jihadist", 0) == [0.0] * 5
    # January 1980 is month_id 1: column 0 is a January
    assert get("month_cos", 0)[0] == 1.0


def test_features_refuse_neighbours_of_another_panel() -> None:
    with pytest.raises(ValueError, match="expected neighbours of the panel's 6 units"):
        build_features(panel_of(random_events(2)), lattice(2, 2))
