"""Binary spatial neighbours as a sparse list (CSR arrays), the input of Gi* and of emerging hot
spots.

Unit ``i``'s neighbours are ``indices[indptr[i]:indptr[i + 1]]``, the layout of a
compressed-sparse-row matrix (``scipy.sparse.csr_array`` and libpysal's ``W.sparse`` share it),
without the weights: every weight is 1. A unit is never its own neighbour here; Gi* adds the
unit itself (the "star", Getis & Ord 1992; Ord & Getis 1995).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Contiguity = Literal["queen", "rook"]


@dataclass(frozen=True, eq=False)
class Neighbours:
    """Who neighbours whom: CSR arrays of unit positions, validated and read-only.

    Parameters
    ----------
    indptr : array of int, shape (n_units + 1,)
        Row offsets: starts at 0, never decreases, ends at ``len(indices)``.
    indices : array of int
        Neighbour positions in ``[0, n_units)``; no unit lists itself or a neighbour twice.

    Examples
    --------
    >>> nb = Neighbours.from_lists([[1], [0, 2], [1]])
    >>> nb.n_units, nb.cardinalities.tolist()
    (3, [1, 2, 1])
    >>> nb.of(1).tolist()
    [0, 2]
    """

    indptr: NDArray[np.int64]
    indices: NDArray[np.int64]

    def __post_init__(self) -> None:
        indptr = _int_vector(self.indptr, "indptr")
        indices = _int_vector(self.indices, "indices")
        if indptr.size == 0 or indptr[0] != 0:
            raise ValueError(f"expected indptr to start at 0, got {indptr[:1].tolist()}")
        if np.any(np.diff(indptr) < 0):
            raise ValueError("expected indptr never to decrease, got a decreasing step")
        if indptr[-1] != indices.size:
            raise ValueError(f"expected indptr to end at len(indices) = {indices.size}, "
                             f"got {int(indptr[-1])}")
        n = indptr.size - 1
        if indices.size and (indices.min() < 0 or indices.max() >= n):
            raise ValueError(f"expected neighbour positions in [0, {n}), got "
                             f"{int(indices.min())}..{int(indices.max())}")
        rows = np.repeat(np.arange(n), np.diff(indptr))
        if np.any(indices == rows):
            unit = int(rows[np.argmax(indices == rows)])
            raise ValueError(f"expected no unit to neighbour itself, got unit {unit}")
        pairs = rows * max(n, 1) + indices
        if np.unique(pairs).size != pairs.size:
            raise ValueError("expected each neighbour once per unit, got a repeated pair")
        for name, array in (("indptr", indptr), ("indices", indices)):
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    @classmethod
    def from_lists(cls, neighbours: Sequence[Sequence[int]]) -> Neighbours:
        """Build from one list of neighbour positions per unit."""
        counts = [len(row) for row in neighbours]
        indptr = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
        flat = [j for row in neighbours for j in row]
        return cls(indptr, np.asarray(flat, dtype=np.int64))

    @property
    def n_units(self) -> int:
        return int(self.indptr.size - 1)

    @property
    def cardinalities(self) -> NDArray[np.int64]:
        """Number of neighbours of each unit, itself not counted."""
        return np.diff(self.indptr)

    def of(self, unit: int) -> NDArray[np.int64]:
        """The neighbours of one unit."""
        return self.indices[self.indptr[unit]:self.indptr[unit + 1]]


def lattice(n_rows: int, n_cols: int, *, contiguity: Contiguity = "queen") -> Neighbours:
    """Neighbours on a regular grid of ``n_rows`` x ``n_cols`` cells numbered row by row.

    Queen contiguity joins the eight cells around a cell, rook the four sharing an edge;
    a PRIO-GRID window is such a grid.

    Examples
    --------
    >>> nb = lattice(3, 3)
    >>> nb.of(4).tolist(), nb.of(0).tolist()
    ([0, 1, 2, 3, 5, 6, 7, 8], [1, 3, 4])
    >>> lattice(3, 3, contiguity="rook").of(4).tolist()
    [1, 3, 5, 7]
    """
    if n_rows < 1 or n_cols < 1:
        raise ValueError(f"expected at least one row and one column, got {n_rows} x {n_cols}")
    if contiguity not in ("queen", "rook"):
        raise ValueError(f"expected contiguity 'queen' or 'rook', got {contiguity!r}")
    steps = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)
             if (dr, dc) != (0, 0) and (contiguity == "queen" or dr == 0 or dc == 0)]
    row, col = np.divmod(np.arange(n_rows * n_cols, dtype=np.int64), n_cols)
    # one candidate column per step, in increasing neighbour order; off-grid ones masked out
    cand = np.stack([(row + dr) * n_cols + (col + dc) for dr, dc in steps], axis=1)
    inside = np.stack([(row + dr >= 0) & (row + dr < n_rows) & (col + dc >= 0)
                       & (col + dc < n_cols) for dr, dc in steps], axis=1)
    indptr = np.concatenate([[0], np.cumsum(inside.sum(axis=1), dtype=np.int64)])
    return Neighbours(indptr, cand[inside])


def _int_vector(values: ArrayLike, name: str) -> NDArray[np.int64]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"expected {name} to be one-dimensional, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"expected {name} of integers, got dtype {array.dtype}")
    return np.array(array, dtype=np.int64)  # a private copy, frozen by the caller
