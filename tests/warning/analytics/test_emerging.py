"""Emerging hot spots: every category on a cube built to land in it, the choices where
ArcGIS's wording lets two apply, and a slow reference (Gi* slice by slice in plain Python,
Mann-Kendall by its pairs, ArcGIS's definitions as written) on a 20 x 20 x 24 cube."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pytest
from scipy.stats import false_discovery_control

from liptako.warning.analytics.emerging import Category, emerging_hot_spots
from liptako.warning.analytics.gistar import permutation_ids
from liptako.warning.analytics.neighbours import lattice

GRID = lattice(7, 7)
CENTRE = 24
BLOCK = [16, 17, 18, 23, 24, 25, 30, 31, 32]  # the centre and its eight neighbours


def _cube(states: str, levels: Any = None) -> np.ndarray:
    """One column per character: "H" raises the block (a hot spot), "C" empties it (a cold
    spot), "." leaves the background; ``levels`` replaces the block's value per period."""
    background = (np.arange(49) % 4 + 2).astype(float)
    cube = np.repeat(background[:, None], len(states), axis=1)
    for t, state in enumerate(states):
        if state != ".":
            default = 12.0 if state == "H" else 0.0
            cube[BLOCK, t] = default if levels is None else levels[t]
    return cube


CASES = {
    Category.NO_PATTERN: _cube(".........."),
    Category.NEW_HOT_SPOT: _cube(".........H"),
    Category.CONSECUTIVE_HOT_SPOT: _cube(".......HHH"),
    Category.INTENSIFYING_HOT_SPOT: _cube("HHHHHHHHHH", 6 + np.arange(10.0)),
    Category.PERSISTENT_HOT_SPOT: _cube("HHHHHHHHHH"),
    Category.DIMINISHING_HOT_SPOT: _cube("HHHHHHHHHH", 15 - np.arange(10.0)),
    Category.SPORADIC_HOT_SPOT: _cube("..H..H...H"),
    Category.OSCILLATING_HOT_SPOT: _cube(".C.C.....H"),
    Category.HISTORICAL_HOT_SPOT: _cube("HHHHHHHHH."),
    Category.NEW_COLD_SPOT: _cube(".........C"),
    Category.CONSECUTIVE_COLD_SPOT: _cube(".......CCC"),
    Category.INTENSIFYING_COLD_SPOT: _cube("CCCCCCCCCC", 1.8 - 0.2 * np.arange(10.0)),
    Category.PERSISTENT_COLD_SPOT: _cube("CCCCCCCCCC"),
    Category.DIMINISHING_COLD_SPOT: _cube("CCCCCCCCCC", 0.2 * np.arange(10.0)),
    Category.SPORADIC_COLD_SPOT: _cube("..C..C...C"),
    Category.OSCILLATING_COLD_SPOT: _cube(".H.H.....C"),
    Category.HISTORICAL_COLD_SPOT: _cube("CCCCCCCCC."),
}


def test_every_category_has_a_case() -> None:
    assert set(CASES) == set(Category)


@pytest.mark.parametrize("expected", list(CASES), ids=str)
def test_the_centre_of_a_built_cube_lands_in_its_category(expected: Category) -> None:
    cube = CASES[expected]
    normal = emerging_hot_spots(cube, GRID, permutations=0)
    permuted = emerging_hot_spots(cube, GRID, permutations=1999, seed=3)
    assert normal.categories[CENTRE] == expected
    assert permuted.categories[CENTRE] == expected
    assert permuted.permutations == 1999 and normal.permutations == 0


def test_the_final_period_decides_where_two_definitions_apply() -> None:
    # nine cold periods then a hot one: an oscillating hot spot, not a historical cold spot
    assert _centre(_cube("CCCCCCCCCH")) == Category.OSCILLATING_HOT_SPOT
    # an earlier cold spot makes a hot run at the end oscillating, not consecutive
    assert _centre(_cube("C......HHH")) == Category.OSCILLATING_HOT_SPOT
    assert _centre(_cube("H.........")) == Category.NO_PATTERN
    # hot nine periods in ten, flat, not significant in the final one: historical, not
    # persistent (ArcGIS's persistent does not name the final period); a gap before is fine
    flat = _cube("HHHHHHHHH.")
    assert emerging_hot_spots(flat, GRID, permutations=0).trend.p[CENTRE] > 0.05
    assert _centre(flat) == Category.HISTORICAL_HOT_SPOT
    assert _centre(_cube("HHHH.HHHHH")) == Category.PERSISTENT_HOT_SPOT
    # mostly hot but cold at the end: what the final period shows wins
    assert _centre(_cube("HHHHHHHHHC")) == Category.OSCILLATING_COLD_SPOT


def test_periods_that_are_scaled_copies_have_no_trend() -> None:
    # equal z-scores in exact arithmetic; floating-point noise must not make a trend of them
    cube = _cube("HHHHHHHHHH") * np.arange(1, 11)
    result = emerging_hot_spots(cube, GRID, permutations=0)
    assert result.trend.s[CENTRE] == 0
    assert result.categories[CENTRE] == Category.PERSISTENT_HOT_SPOT


def test_fdr_families_and_what_the_result_holds() -> None:
    cube = _cube(".......HHH")
    done: list[int] = []
    by_period = emerging_hot_spots(cube, GRID, permutations=99, seed=1, progress=done.append)
    assert done == list(range(1, 11))
    whole = emerging_hot_spots(cube, GRID, permutations=99, seed=1, fdr="cube")
    none = emerging_hot_spots(cube, GRID, permutations=99, seed=1, fdr=None)
    np.testing.assert_array_equal(none.q, none.p)
    np.testing.assert_array_equal(by_period.p, whole.p)
    assert np.all(whole.q >= by_period.q - 1e-15) and np.all(by_period.q >= by_period.p)
    np.testing.assert_array_equal(by_period.significant, by_period.q <= 0.05)
    assert by_period.z.shape == by_period.p.shape == (49, 10)
    assert len(by_period.categories) == 49 and by_period.fdr == "period"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"cube": np.ones(49)}, "expected a cube of shape \\(n_units, n_periods\\), got shape"),
    ({"cube": np.ones((48, 5))}, "expected 49 units \\(one per neighbour list\\), got 48"),
    ({"cube": np.ones((49, 1))}, "expected at least 2 periods, got 1"),
    ({"cube": np.full((49, 3), np.nan)}, "expected finite values, got NaN or infinity"),
    ({"alpha": 1.5}, "expected alpha in \\(0, 1\\), got 1.5"),
    ({"fdr": "all"}, "expected fdr 'period', 'cube' or None, got 'all'"),
    ({"permutations": 99}, "expected a seed \\(or explicit ids\\)"),
])
def test_bad_input_is_refused_saying_what_was_expected(kwargs: dict[str, Any],
                                                       message: str) -> None:
    arguments: dict[str, Any] = {"cube": np.ones((49, 4)), "permutations": 0, **kwargs}
    with pytest.raises(ValueError, match=message):
        emerging_hot_spots(arguments.pop("cube"), GRID, **arguments)


def _centre(cube: np.ndarray) -> Category:
    return emerging_hot_spots(cube, GRID, permutations=0).categories[CENTRE]


# --- the slow reference ---------------------------------------------------------------------

def _toy_cube(rows: int = 20, cols: int = 20, periods: int = 24) -> np.ndarray:
    rng = np.random.default_rng(2024)
    cube = rng.poisson(1.0, size=(rows, cols, periods)).astype(float)
    t = np.arange(periods)
    cube[2:5, 2:5] += 6                                        # always hot
    cube[2:5, 14:17] += np.linspace(0, 10, periods)            # growing
    cube[14:17, 2:5] += np.where(t < periods - 2, 8, 0)        # fades at the end
    cube[14:17, 14:17] += np.where(t >= periods - 3, 8, 0)     # appears at the end
    cube[8:12, 8:12] += np.where(rng.random(periods) < 0.3, 7, 0) * (t != periods - 1) + \
        np.where(t == periods - 1, 7, 0)                        # bursts, and the final period
    cube[9:14, 0:3] = 0                                         # always empty
    cube[0:3, 8:12] *= np.where(t < periods - 4, 1, 0)           # empties at the end
    return cube.reshape(rows * cols, periods)


def _queen_lists(rows: int, cols: int) -> list[list[int]]:
    lists = []
    for r in range(rows):
        for c in range(cols):
            lists.append([rr * cols + cc for rr in range(r - 1, r + 2) for cc in range(c - 1, c + 2)
                          if 0 <= rr < rows and 0 <= cc < cols and (rr, cc) != (r, c)])
    return lists


def _reference_bins(cube: np.ndarray, lists: list[list[int]], ids: np.ndarray | None
                    ) -> tuple[np.ndarray, np.ndarray]:
    n, periods = cube.shape
    z, p = np.zeros((n, periods)), np.ones((n, periods))
    for t in range(periods):
        y = [float(v) for v in cube[:, t]]
        mean = sum(y) / n
        s = math.sqrt(sum(v * v for v in y) / n - mean * mean)
        for i in range(n):
            w = len(lists[i]) + 1
            total = y[i] + sum(y[j] for j in lists[i])
            z[i, t] = (total - w * mean) / (s * math.sqrt((n * w - w * w) / (n - 1)))
            if ids is None:
                p[i, t] = math.erfc(abs(z[i, t]) / math.sqrt(2))
                continue
            others = np.delete(cube[:, t], i)
            drawn = others[ids[:, :len(lists[i])]].sum(axis=1)
            observed = sum(y[j] for j in lists[i])
            tail = min((drawn >= observed).sum(), (drawn <= observed).sum())
            p[i, t] = min(1.0, 2 * (tail + 1) / (len(ids) + 1))
    return z, p


def _reference_trend(series: list[float]) -> tuple[float, float]:
    n = len(series)
    s = sum((b > a) - (b < a) for i, a in enumerate(series) for b in series[i + 1:])
    ties = sum(k * (k - 1) * (2 * k + 5) for k in Counter(series).values())
    var = (n * (n - 1) * (2 * n + 5) - ties) / 18
    z = 0.0 if s == 0 or var == 0 else (s - (1 if s > 0 else -1)) / math.sqrt(var)
    return z, math.erfc(abs(z) / math.sqrt(2))


def _reference_category(hot: list[bool], cold: list[bool], trend_z: float, trend_p: float,
                        alpha: float) -> str:
    periods = len(hot)
    trending = trend_p <= alpha
    for side, this, other, sign in (("hot", hot, cold, 1), ("cold", cold, hot, -1)):
        at_least_90 = sum(this) >= 0.9 * periods - 1e-9
        if this[-1]:
            if at_least_90:
                if trending and sign * trend_z > 0:
                    return f"intensifying {side} spot"
                if trending and sign * trend_z < 0:
                    return f"diminishing {side} spot"
                return f"persistent {side} spot"
            if any(other):
                return f"oscillating {side} spot"
            if sum(this) == 1:
                return f"new {side} spot"
            run = 0
            while run < periods and this[periods - 1 - run]:
                run += 1
            return f"consecutive {side} spot" if run == sum(this) else f"sporadic {side} spot"
    for side, this, other in (("hot", hot, cold), ("cold", cold, hot)):
        if sum(this) >= 0.9 * periods - 1e-9 and not this[-1] and not other[-1]:
            return f"historical {side} spot"
    return "no pattern"


def _reference(cube: np.ndarray, lists: list[list[int]], ids: np.ndarray | None,
               fdr: str | None, alpha: float = 0.05) -> list[str]:
    z, p = _reference_bins(cube, lists, ids)
    if fdr == "period":
        q = np.column_stack([false_discovery_control(p[:, t]) for t in range(p.shape[1])])
    else:
        q = p if fdr is None else false_discovery_control(p.ravel()).reshape(p.shape)
    categories = []
    for i in range(cube.shape[0]):
        hot = [bool(q[i, t] <= alpha and z[i, t] > 0) for t in range(cube.shape[1])]
        cold = [bool(q[i, t] <= alpha and z[i, t] < 0) for t in range(cube.shape[1])]
        trend_z, trend_p = _reference_trend([round(float(v), 9) for v in z[i]])
        categories.append(_reference_category(hot, cold, trend_z, trend_p, alpha))
    return categories


@pytest.mark.parametrize(("permutations", "fdr"), [(0, "period"), (0, "cube"), (999, None)])
def test_a_slow_reference_gives_every_unit_the_same_category(permutations: int,
                                                              fdr: Any) -> None:
    cube, lists = _toy_cube(), _queen_lists(20, 20)
    ids = permutation_ids(400, 8, permutations, seed=17) if permutations else None
    result = emerging_hot_spots(cube, lattice(20, 20), permutations=permutations, seed=17,
                                fdr=fdr)
    expected = _reference(cube, lists, ids, fdr)
    assert [str(c) for c in result.categories] == expected
    found = Counter(expected)
    assert len(found) >= 6, found  # the cube shows many patterns, not just "no pattern"
