"""Gi*: the closed-form z and the conditional permutation p-values, checked against esda.

esda's permutation engine is numba code whose first call compiles for tens of seconds, more
than this suite's budget; ``esda_in_python`` runs the same functions uncompiled (each numba
function's ``py_func``), so what is compared is esda's algorithm on the same permutations.
bench/hotspots.py (section gistar) compares with compiled esda on 10,000 cells.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import esda
import esda.crand
import esda.getisord
import libpysal
import numpy as np
import pytest

from liptako.warning.analytics.gistar import (
    check_ids,
    gi_star,
    gi_star_z,
    permutation_ids,
    tail_p_values,
)
from liptako.warning.analytics.neighbours import Neighbours, lattice

EsdaGStar = Callable[..., Any]


def _esda_weights(nb: Neighbours) -> libpysal.weights.W:
    return libpysal.weights.W({i: nb.of(i).tolist() for i in range(nb.n_units)},
                              silence_warnings=True)


@pytest.fixture
def esda_in_python(monkeypatch: pytest.MonkeyPatch) -> Iterator[EsdaGStar]:
    """esda.G_Local(star=True, transform="B") uncompiled, drawing the permutations given."""
    for module, name in ((esda.crand, "compute_chunk"), (esda.crand, "_permutation_significance"),
                         (esda.getisord, "_prepare_univariate"),
                         (esda.getisord, "_g_local_star_crand"),
                         (esda.crand, "_prepare_univariate")):
        monkeypatch.setattr(module, name, getattr(module, name).py_func)
    monkeypatch.setattr(esda.crand, "boolean", np.bool_)

    def run(y: np.ndarray, w: libpysal.weights.W, ids: np.ndarray) -> Any:
        monkeypatch.setattr(esda.crand, "vec_permutations", lambda *args: ids)
        with warnings.catch_warnings():
            # esda 2.9 warns that crand's default alternative will change; G_Local passes none
            warnings.filterwarnings("ignore", message="The alternative hypothesis",
                                    category=DeprecationWarning)
            return esda.G_Local(y, w, transform="B", star=True, permutations=ids.shape[0],
                                n_jobs=1, keep_simulations=True, seed=0)
    yield run


def test_the_lattice_is_libpysals_queen_lattice() -> None:
    w = libpysal.weights.lat2W(6, 5, rook=False)
    nb = lattice(6, 5)
    assert {i: sorted(w.neighbors[i]) for i in w.id_order} == \
        {i: nb.of(i).tolist() for i in range(nb.n_units)}


@pytest.mark.parametrize("kind", ["poisson", "continuous", "irregular"])
def test_z_equals_esdas_zs_to_1e_12(kind: str) -> None:
    rng = np.random.default_rng(11)
    if kind == "irregular":
        # random symmetric neighbours of varying cardinality, one unit without any
        pairs = {tuple(sorted(p)) for p in rng.integers(0, 40, size=(70, 2)) if p[0] != p[1]}
        lists: list[list[int]] = [[] for _ in range(40)]
        for a, b in pairs:
            if 39 not in (a, b):
                lists[a].append(int(b))
                lists[b].append(int(a))
        nb = Neighbours.from_lists([sorted(row) for row in lists])
        y = rng.gamma(2.0, 3.0, size=40)
    else:
        nb = lattice(8, 9)
        y = rng.poisson(0.8, 72).astype(float) if kind == "poisson" else rng.lognormal(size=72)
    with warnings.catch_warnings():
        # libpysal's remark on the island, made again by esda's copy of the weights
        warnings.filterwarnings("ignore", message="The weights matrix is not fully connected",
                                category=UserWarning)
        reference = esda.G_Local(y, _esda_weights(nb), transform="B", star=True,
                                 permutations=0)
    np.testing.assert_allclose(gi_star_z(y, nb), reference.Zs, rtol=0, atol=1e-12)


def test_p_values_equal_esdas_for_the_same_permutations(esda_in_python: EsdaGStar) -> None:
    nb = lattice(6, 7)
    y = np.random.default_rng(3).poisson(1.5, 42).astype(float)
    ids = permutation_ids(nb.n_units, 8, 199, seed=5)
    reference = esda_in_python(y, _esda_weights(nb), ids)
    ours = gi_star(y, nb, ids=ids)
    assert ours.permutations == 199 and ours.alternative == "directed"
    assert ours.p_sim is not None
    np.testing.assert_array_equal(ours.p_sim.astype(np.float32), reference.p_sim)
    # the other alternatives, from esda's own simulated statistics
    observed, simulated = reference.Gs[:, None], reference.rGs
    ge, le = (simulated >= observed).sum(axis=1), (simulated <= observed).sum(axis=1)
    for alternative in ("greater", "lesser", "two-sided"):
        p = gi_star(y, nb, ids=ids, alternative=alternative).p_sim
        np.testing.assert_array_equal(p, tail_p_values(ge, le, 199, alternative))
    np.testing.assert_array_equal(gi_star(y, nb, ids=ids, alternative="greater").p_sim,
                                  (ge + 1) / 200)


def test_p_values_equal_esdas_on_irregular_neighbours(esda_in_python: EsdaGStar) -> None:
    lists = [[1, 2, 3, 4], [0], [0, 3], [0, 2, 5], [0], [3, 6, 7], [5], [5, 8], [7], [0, 1]]
    lists = [sorted(set(row) | {j for j, other in enumerate(lists) if i in other} - {i})
             for i, row in enumerate(lists)]
    nb = Neighbours.from_lists(lists)
    y = np.array([9.0, 4, 7, 0, 1, 2, 0, 3, 1, 5])
    ids = permutation_ids(10, int(nb.cardinalities.max()), 99, seed=2)
    reference = esda_in_python(y, _esda_weights(nb), ids)
    p_sim = gi_star(y, nb, ids=ids).p_sim
    assert p_sim is not None
    np.testing.assert_array_equal(p_sim.astype(np.float32), reference.p_sim)


def test_the_same_seed_gives_the_same_p_values_and_a_hot_spot_is_found() -> None:
    nb = lattice(10, 10)
    y = np.random.default_rng(0).poisson(0.5, 100).astype(float)
    y[[44, 45, 54, 55]] += 6
    first, again = (gi_star(y, nb, seed=42, alternative="two-sided") for _ in range(2))
    other = gi_star(y, nb, seed=43, alternative="two-sided")
    assert first.p_sim is not None and again.p_sim is not None and other.p_sim is not None
    np.testing.assert_array_equal(first.p_sim, again.p_sim)
    assert not np.array_equal(first.p_sim, other.p_sim)
    assert first.z[[44, 45, 54, 55]].min() > 3
    assert first.p_sim[[44, 45, 54, 55]].max() <= 0.01
    np.testing.assert_allclose(first.p_norm[44], 2 * (1 - _normal_cdf(first.z[44])))


def _normal_cdf(x: float) -> float:
    from math import erf, sqrt
    return 0.5 * (1 + erf(x / sqrt(2)))


def test_directed_p_values_call_a_neighbourhood_of_zeros_extreme_two_sided_ones_do_not() -> None:
    # esda's rule counts ties as "above": when most draws tie with an empty neighbourhood, the
    # "below" tail is empty and the p-value the smallest there is
    nb = lattice(10, 10)
    y = np.zeros(100)
    y[np.random.default_rng(5).choice(100, 12, replace=False)] = 1.0
    y[[0, 1, 10, 11, 12, 2, 20, 21, 22]] = 0.0  # unit 11's neighbourhood is empty
    directed = gi_star(y, nb, seed=3)
    two_sided = gi_star(y, nb, seed=3, alternative="two-sided")
    assert directed.p_sim is not None and two_sided.p_sim is not None
    assert directed.p_sim[11] == 1 / 1000
    assert two_sided.p_sim[11] > 0.5


def test_without_permutations_there_is_no_p_sim_and_no_seed_is_needed() -> None:
    result = gi_star([1.0, 2, 3, 4], lattice(2, 2), permutations=0)
    assert result.p_sim is None and result.permutations == 0
    assert result.p_norm.shape == (4,)


def test_a_unit_without_neighbours_has_p_one_and_its_standardised_value_as_z() -> None:
    nb = Neighbours.from_lists([[1], [0, 2], [1], []])
    y = np.array([1.0, 5.0, 2.0, 8.0])
    result = gi_star(y, nb, seed=1, permutations=99)
    assert result.p_sim is not None and result.p_sim[3] == 1.0
    assert result.z[3] == pytest.approx((8.0 - y.mean()) / y.std())


def test_a_constant_variable_has_z_zero_and_nothing_significant() -> None:
    result = gi_star(np.full(9, 3.0), lattice(3, 3), seed=1, permutations=99,
                     alternative="two-sided")
    assert result.p_sim is not None
    assert np.all(result.z == 0) and np.all(result.p_sim == 1.0)
    # a unit whose neighbourhood is every unit cannot differ from the whole either
    assert gi_star_z([1.0, 5.0, 2.0], Neighbours.from_lists([[1, 2], [0], [0]]))[0] == 0


def test_draws_are_seeded_samples_without_replacement() -> None:
    ids = permutation_ids(6, 5, 300, seed=9)
    assert ids.shape == (300, 5) and ids.min() >= 0 and ids.max() <= 4
    assert all(sorted(row) == [0, 1, 2, 3, 4] for row in ids.tolist())
    np.testing.assert_array_equal(ids, permutation_ids(6, 5, 300, seed=9))
    with pytest.raises(ValueError, match="expected at most n_units - 1 = 5 neighbours, got 6"):
        permutation_ids(6, 6, 10, seed=9)


@pytest.mark.parametrize(("ids", "message"), [
    (np.zeros((5, 1), dtype=int), "expected ids of shape \\(permutations, >= 2\\), got \\(5, 1\\)"),
    (np.zeros((5, 2)), "expected ids of integers, got dtype float64"),
    (np.array([[0, 4]]), "expected ids in \\[0, 4\\), got 0..4"),
    (np.array([[1, 1, 0]]), "expected each row of ids without repeats"),
])
def test_explicit_draws_are_checked(ids: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_ids(ids, lattice(1, 5, contiguity="rook"))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"values": [1.0, 2.0]}, "expected 9 units \\(one per neighbour list\\), got 2"),
    ({"values": np.ones((9, 2))}, "expected values with 1 dimension\\(s\\), got shape \\(9, 2\\)"),
    ({"values": [np.nan] + [1.0] * 8}, "expected finite values, got NaN or infinity"),
    ({"permutations": 99}, "expected a seed \\(or explicit ids\\) for the permutations"),
    ({"permutations": -1}, "expected permutations >= 0, got -1"),
    ({"alternative": "folded"}, "expected alternative in .*, got 'folded'"),
])
def test_bad_input_is_refused_saying_what_was_expected(kwargs: dict[str, Any],
                                                       message: str) -> None:
    arguments: dict[str, Any] = {"values": np.arange(9.0), "permutations": 0, **kwargs}
    with pytest.raises(ValueError, match=message):
        gi_star(arguments.pop("values"), lattice(3, 3), **arguments)
