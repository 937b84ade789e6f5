"""Incidents placed in a pact, as columns: territory, membership on the date, victim.

The columnar twin of :func:`liptako.charter.rules.situate`. Country codes index a vocabulary
(the frame's, extended by placement); index -1 reads a sentinel that is never a party.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from liptako.charter.frame import EPOCH, FactsFrame
from liptako.charter.pacts import Pact
from liptako.charter.placer import Placer
from liptako.charter.policy import UNION_OF_TERRITORIES, Policy

Bool = NDArray[np.bool_]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
U64 = NDArray[np.uint64]
NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Cols:
    """Facts and derived columns shared by every atom."""

    f: FactsFrame
    in_force: Bool
    members: NDArray[np.uint64]
    territory: I32
    territory_known: Bool
    has_lat: Bool
    victim: I32
    victim_known: Bool
    victim_member: Bool
    state_member: Bool
    launched_member: Bool
    in_named: Bool | None


def _codes_of(values: NDArray[np.object_], vocab: list[str]) -> I32:
    """ISO3 (or None) per row -> codes into ``vocab``, extending it with new countries."""
    out = np.full(values.shape[0], -1, np.int32)
    for iso in sorted({v for v in values.tolist() if v is not None}):
        if iso not in vocab:
            vocab.append(iso)
        out[values == iso] = vocab.index(iso)
    return out


def _countries(f: FactsFrame, placer: Placer, placed: NDArray[np.object_] | None,
               vocab: list[str]) -> I32:
    """Country code of each located row: the given country, else the point's placement."""
    country = f.loc_country.copy()
    rows = np.flatnonzero(f.has_location & (country < 0))
    if rows.size:
        where = placed[rows] if placed is not None else placer.countries_of(f.lat[rows],
                                                                            f.lon[rows])
        country[rows] = _codes_of(np.asarray(where, dtype=object), vocab)
    return country


def membership(pact: Pact, vocab: list[str]) -> tuple[I64, I64, U64]:
    """Per vocab code (+ a sentinel for -1): first day bound, first day free, party bit."""
    size = len(vocab) + 1
    joined = np.full(size, NEVER, np.int64)
    leaves = np.full(size, NEVER, np.int64)
    bits = np.zeros(size, np.uint64)
    order = sorted(p.iso3 for p in pact.parties)
    if len(order) > 64:
        raise ValueError(f"expected at most 64 parties for the bulk evaluator, got {len(order)}")
    for party in pact.parties:
        if party.iso3 in vocab:
            k = vocab.index(party.iso3)
            joined[k] = (party.joined_on - EPOCH).days
            exit_on = party.exit_on(pact.notice_months)
            leaves[k] = NEVER if exit_on is None else (exit_on - EPOCH).days
            bits[k] = np.uint64(1) << np.uint64(order.index(party.iso3))
    return joined, leaves, bits


def _member_bits(pact: Pact, day: NDArray[np.int64]) -> NDArray[np.uint64]:
    bits = np.zeros(day.shape[0], np.uint64)
    for k, iso3 in enumerate(sorted(p.iso3 for p in pact.parties)):
        party = next(p for p in pact.parties if p.iso3 == iso3)
        exit_on = party.exit_on(pact.notice_months)
        bound = day >= (party.joined_on - EPOCH).days
        if exit_on is not None:
            bound &= day < (exit_on - EPOCH).days
        bits |= np.where(bound, np.uint64(1) << np.uint64(k), np.uint64(0))
    return bits


def build_cols(f: FactsFrame, pact: Pact, policy: Policy, placer: Placer,
               placed: NDArray[np.object_] | None, named: Bool | None) -> tuple[Cols, list[str]]:
    """Place every incident in the pact on its date (see :func:`liptako.charter.rules.situate`)."""
    vocab = list(f.countries)
    country = _countries(f, placer, placed, vocab)
    start = (pact.in_force_from - EPOCH).days
    in_force = f.day >= start
    day = np.where(in_force, f.day, start)
    joined, leaves, _ = membership(pact, vocab)

    def member(codes: I32) -> Bool:
        return (joined[codes] <= day) & (day < leaves[codes])

    territory = np.where(member(country), country, -1).astype(np.int32)
    victim = np.where(f.target_party >= 0, f.target_party, territory).astype(np.int32)
    has_lat = ~np.isnan(f.lat)
    in_named = None
    if policy.common_space != UNION_OF_TERRITORIES:
        in_named = np.zeros(len(f), bool)
        rows = np.flatnonzero(has_lat)
        if rows.size:
            in_named[rows] = named[rows] if named is not None else placer.in_area(
                policy.common_space, f.lat[rows], f.lon[rows])
    cols = Cols(f=f, in_force=in_force, members=_member_bits(pact, day), territory=territory,
                territory_known=f.has_location.copy(), has_lat=has_lat, victim=victim,
                victim_known=(f.target_party >= 0) | f.has_location,
                victim_member=member(victim), state_member=member(f.perp_state),
                launched_member=member(f.launched_from), in_named=in_named)
    return cols, vocab
