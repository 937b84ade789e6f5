"""Neighbour lists: validation with "expected ... got ..." and the lattice builders."""

import numpy as np
import pytest

from liptako.warning.analytics.neighbours import Neighbours, lattice


def test_from_lists_gives_the_csr_arrays_and_freezes_them() -> None:
    nb = Neighbours.from_lists([[1, 2], [0], [0], []])
    assert nb.indptr.tolist() == [0, 2, 3, 4, 4]
    assert nb.indices.tolist() == [1, 2, 0, 0]
    assert nb.cardinalities.tolist() == [2, 1, 1, 0]
    with pytest.raises(ValueError, match="read-only"):
        nb.indices[0] = 3


def test_the_arrays_given_are_copied_not_shared() -> None:
    indptr, indices = np.array([0, 1, 2]), np.array([1, 0])
    nb = Neighbours(indptr, indices)
    indices[0] = 0
    assert nb.indices.tolist() == [1, 0]


@pytest.mark.parametrize(("indptr", "indices", "message"), [
    ([1, 2], [0, 1], "expected indptr to start at 0, got \\[1\\]"),
    ([0, 2, 1], [1, 0], "expected indptr never to decrease"),
    ([0, 1, 3], [1, 0], "expected indptr to end at len\\(indices\\) = 2, got 3"),
    ([0, 1, 2], [1, 2], "expected neighbour positions in \\[0, 2\\), got 1..2"),
    ([0, 1, 2], [0, 0], "expected no unit to neighbour itself, got unit 0"),
    ([0, 2, 2, 2], [1, 1], "expected each neighbour once per unit"),
    ([0, 1, 2], [1.0, 0.0], "expected indices of integers, got dtype float64"),
    ([[0, 1, 2]], [1, 0], "expected indptr to be one-dimensional, got shape \\(1, 3\\)"),
])
def test_a_malformed_list_is_refused_saying_what_was_expected(indptr: list[int],
                                                               indices: list[int],
                                                               message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Neighbours(np.array(indptr), np.array(indices))


def test_queen_and_rook_lattices_on_a_non_square_grid() -> None:
    queen, rook = lattice(3, 4), lattice(3, 4, contiguity="rook")
    assert queen.n_units == rook.n_units == 12
    assert queen.of(5).tolist() == [0, 1, 2, 4, 6, 8, 9, 10]
    assert queen.of(3).tolist() == [2, 6, 7]
    assert rook.of(5).tolist() == [1, 4, 6, 9]
    assert rook.of(11).tolist() == [7, 10]
    # contiguity is symmetric
    for nb in (queen, rook):
        pairs = {(i, int(j)) for i in range(12) for j in nb.of(i)}
        assert pairs == {(j, i) for i, j in pairs}


def test_a_lattice_needs_cells_and_a_known_contiguity() -> None:
    with pytest.raises(ValueError, match="expected at least one row and one column, got 0 x 3"):
        lattice(0, 3)
    with pytest.raises(ValueError, match="expected contiguity 'queen' or 'rook', got 'bishop'"):
        lattice(2, 2, contiguity="bishop")  # type: ignore[arg-type]
