"""The space-time permutation scan against a brute-force reference and on planted clusters."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from liptako.warning.analytics import scan
from liptako.warning.analytics.scan import ScanSettings, space_time_permutation_scan
from warning.analytics.scan_reference import brute_force_scan


def _random_case(seed: int, n_loc: int = 9, n_per: int = 12):
    """Counts with a mild space-time interaction, so that both ranks and ratios vary."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 300, (n_loc, 2))
    rate = rng.gamma(3, 1, (n_loc, 1)) * rng.gamma(3, 1, (1, n_per))
    rate[: n_loc // 3, n_per // 2:] *= 2.5
    counts = rng.poisson(rate * 40 / rate.mean() / n_per)
    return counts, xy


CASES = {
    "retrospective": {},
    "prospective": {"prospective": True},
    "radius and duration": {"max_radius_km": 120.0, "max_duration": 4},
    "population share": {"max_share": 0.3, "population": [5, 1, 1, 2, 8, 1, 1, 3, 1]},
    "every circle": {"max_share": 1.0, "max_duration": 12},
}


@pytest.mark.parametrize("case", CASES)
def test_the_fast_scan_equals_the_brute_force_reference(case: str) -> None:
    counts, xy = _random_case(seed=len(case))
    options = dict(CASES[case])
    population = options.pop("population", None)
    ours = space_time_permutation_scan(
        counts, xy, seed=7, population=population,
        settings=ScanSettings(replications=39, **options))
    theirs, maxima = brute_force_scan(counts, xy, seed=7, replications=39,
                                      population=population, **options)
    assert ours.replicate_llrs == pytest.approx(maxima, rel=1e-9, abs=1e-12)
    assert len(ours.clusters) == len(theirs) > 1
    for mine, ref in zip(ours.clusters, theirs, strict=True):
        assert (mine.centre, mine.locations, mine.start, mine.end, mine.observed) == \
            (ref.centre, ref.locations, ref.start, ref.end, ref.observed)
        assert mine.expected == pytest.approx(ref.expected, rel=1e-12)
        assert mine.llr == pytest.approx(ref.llr, rel=1e-9)
        assert mine.p_value == ref.p_value
    if options.get("prospective"):
        assert {c.end for c in ours.clusters} == {counts.shape[1] - 1}


def test_the_same_seed_gives_the_same_p_values_and_another_seed_other_draws() -> None:
    counts, xy = _random_case(seed=3)
    settings = ScanSettings(replications=49)
    first = space_time_permutation_scan(counts, xy, seed=11, settings=settings)
    again = space_time_permutation_scan(counts, xy, seed=11, settings=settings)
    other = space_time_permutation_scan(counts, xy, seed=12, settings=settings)
    assert first == again
    assert np.array_equal(first.replicate_llrs, again.replicate_llrs)
    assert not np.array_equal(first.replicate_llrs, other.replicate_llrs)


def _plant(rng: np.random.Generator, n_loc: int, n_per: int):
    xy = rng.uniform(0, 500, (n_loc, 2))
    counts = rng.poisson(3.0, (n_loc, n_per))
    return xy, counts


def _nearest(xy: np.ndarray, centre: int, size: int) -> list[int]:
    return np.argsort(np.hypot(*(xy - xy[centre]).T), kind="stable")[:size].tolist()


def test_a_planted_cluster_is_found_with_its_extent_period_and_a_small_p_value() -> None:
    rng = np.random.default_rng(2024)
    xy, counts = _plant(rng, 30, 24)
    planted = _nearest(xy, 5, 4)
    counts[np.ix_(planted, range(15, 19))] += rng.poisson(14.0, (4, 4))
    elsewhere = _nearest(xy, 22, 3)
    assert not set(planted) & set(elsewhere)
    counts[np.ix_(elsewhere, range(2, 4))] += rng.poisson(6.0, (3, 2))

    result = space_time_permutation_scan(counts, xy, seed=1,
                                         settings=ScanSettings(replications=99))

    mlc = result.most_likely
    assert mlc is not None
    assert set(mlc.locations) == set(planted) and (mlc.start, mlc.end) == (15, 18)
    assert mlc.p_value == 0.01 and mlc.relative_risk > 2
    second = result.clusters[1]
    assert set(second.locations) == set(elsewhere) and (second.start, second.end) == (2, 3)
    assert second.p_value <= 0.05
    members = [set(c.locations) for c in result.clusters]
    assert all(not a & b for i, a in enumerate(members) for b in members[i + 1:])


def test_a_flat_table_has_no_cluster_and_independent_noise_none_significant() -> None:
    flat = np.full((12, 10), 3)
    xy = np.random.default_rng(0).uniform(0, 100, (12, 2))
    assert space_time_permutation_scan(flat, xy, seed=0,
                                       settings=ScanSettings(replications=9)).clusters == ()

    rng = np.random.default_rng(5)
    noise = rng.poisson(rng.gamma(2, 1, (25, 1)) * rng.gamma(4, 1, (1, 20)))
    result = space_time_permutation_scan(noise, rng.uniform(0, 400, (25, 2)), seed=3,
                                         settings=ScanSettings(replications=99))
    assert result.clusters and all(c.p_value > 0.05 for c in result.clusters)


def test_prospective_mode_finds_only_clusters_alive_at_the_end() -> None:
    rng = np.random.default_rng(77)
    xy, counts = _plant(rng, 30, 24)
    old = _nearest(xy, 3, 4)
    counts[np.ix_(old, range(6, 10))] += 12
    recent = [j for j in _nearest(xy, 17, 3) if j not in old]
    counts[np.ix_(recent, range(21, 24))] += 6

    retro = space_time_permutation_scan(counts, xy, seed=2,
                                        settings=ScanSettings(replications=49))
    prosp = space_time_permutation_scan(counts, xy, seed=2,
                                        settings=ScanSettings(replications=49, prospective=True))

    assert retro.most_likely is not None and set(retro.most_likely.locations) == set(old)
    assert prosp.prospective and all(c.end == 23 for c in prosp.clusters)
    assert prosp.most_likely is not None
    assert set(prosp.most_likely.locations) == set(recent)
    assert prosp.most_likely.start == 21 and prosp.most_likely.p_value <= 0.05


def test_replications_that_tie_with_the_observed_ratio_count_towards_the_p_value() -> None:
    # four events; a replication either repeats the diagonal (the same ratio, in one of two
    # mirror images) or spreads them evenly (no cylinder above its expectation)
    counts = np.array([[2, 0], [0, 2]])
    result = space_time_permutation_scan(counts, [[0.0, 0.0], [100.0, 0.0]], seed=4,
                                         settings=ScanSettings(replications=99))
    mlc = result.most_likely
    assert mlc is not None and (mlc.observed, mlc.expected) == (2, 1.0)
    ties = np.count_nonzero(result.replicate_llrs == mlc.llr)
    assert 10 < ties == np.count_nonzero(result.replicate_llrs > 0) < 60
    assert mlc.p_value == (1 + ties) / 100


def test_progress_is_reported_up_to_every_replication() -> None:
    counts, xy = _random_case(seed=1)
    seen: list[tuple[int, int]] = []
    space_time_permutation_scan(counts, xy, seed=0, settings=ScanSettings(replications=250),
                                progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (250, 250) and len(seen) > 10
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


GOOD = np.ones((3, 4), dtype=int)
XY = np.zeros((3, 2))


@pytest.mark.parametrize(("call", "message"), [
    (lambda: space_time_permutation_scan([1, 2, 3], XY, seed=0), r"counts: expected a 2-D"),
    (lambda: space_time_permutation_scan(-GOOD, XY, seed=0), r"counts: expected non-negative"),
    (lambda: space_time_permutation_scan(GOOD * 0.5, XY, seed=0), r"counts: expected non-neg"),
    (lambda: space_time_permutation_scan(GOOD * 0, XY, seed=0), r"counts: expected at least"),
    (lambda: space_time_permutation_scan(GOOD.astype(str), XY, seed=0),
     r"counts: expected whole numbers, got dtype <U"),
    (lambda: space_time_permutation_scan(GOOD, np.zeros((2, 2)), seed=0),
     r"coords_km: expected shape \(3, 2\).*got \(2, 2\)"),
    (lambda: space_time_permutation_scan(GOOD, XY + np.nan, seed=0), r"coords_km: expected fin"),
    (lambda: space_time_permutation_scan(GOOD, XY, seed=-1), r"seed: expected an integer >= 0"),
    (lambda: space_time_permutation_scan(GOOD, XY, seed=0, population=[1, 2]),
     r"population: expected shape \(3,\)"),
    (lambda: space_time_permutation_scan(GOOD, XY, seed=0, population=[1, 0, 2]),
     r"population: expected positive"),
    (lambda: space_time_permutation_scan(GOOD, XY, seed=0,
                                         settings=ScanSettings(max_duration=5)),
     r"max_duration: expected at most the 4 periods of counts, got 5"),
    (lambda: ScanSettings(max_share=0), r"max_share: expected a number in \(0, 1\], got 0"),
    (lambda: ScanSettings(max_share=1.5), r"max_share: expected a number in \(0, 1\]"),
    (lambda: ScanSettings(max_radius_km=-1.0), r"max_radius_km: expected None or a finite"),
    (lambda: ScanSettings(max_duration=0), r"max_duration: expected an integer >= 1, got 0"),
    (lambda: ScanSettings(replications=0), r"replications: expected an integer >= 1, got 0"),
    (lambda: ScanSettings(replications=True), r"replications: expected an integer >= 1"),
    (lambda: ScanSettings(max_clusters=0), r"max_clusters: expected an integer >= 1"),
])
def test_invalid_input_names_the_field_and_what_was_expected(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_the_docstring_examples_run() -> None:
    assert doctest.testmod(scan, raise_on_error=True).attempted > 0
