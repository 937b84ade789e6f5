"""The place of an event from text: names in the text matched in the shipped gazetteer.

A text names places in many ways ("near Neni", "le village de Boni", "10 km from Djibo",
"coded as Sirgne"); GeoNames spells them one way among several ("Ségou"/"Segou",
"Djombolo"/"Diombolo", "Dinangourou"/"Dinangorou"). :mod:`liptako.intake.mentions` finds the
names in GeoNames and the sites of past ACLED events under a spelling *skeleton* (accents,
case, ou/u, dj/j, tch/ch/c, y/i, w/u, doubled letters folded), or the nearest skeleton by edit
ratio; this module scores the places they may be.
Village names repeat ("Boni", "Tin", "Kara"), so each place is scored on:

- how well it matched (exact, skeleton, fuzzy);
- the cue before it ("coded as", "the village of", "near", "à", "près de", ...);
- an admin area the text names ("Mopti region", "province du Soum", "(Bosso, Diffa)");
- other places the text names nearby (a village "near Hombori" lies near Hombori);
- past events ACLED coded there (training period only; see :mod:`liptako.intake.placenames`);
- its size (population, capital rank) and how early the text names it.

An admin area named with its kind ("la région de Tillabéri") or a country is a candidate too,
at its centroid, with a low score. Data: GeoNames (CC BY 4.0, "GeoNames, geonames.org").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from liptako.core.adminlevels import levels_of
from liptako.core.geo import STATES, admin_index
from liptako.intake.mentions import Mention, mentions
from liptako.intake.placenames import PlaceIndex, Site, letters, place_index
from liptako.intake.text import require_lang, require_text

NEAR_KM = 100.0
"""Two places named in one text support each other, fully at 0 km, not at all from here."""

_WEIGHTS = {  # tuned on 2018 notes with the ACLED sites of 2017 and before; they sum to 1
    "match": 0.13, "cue": 0.40, "context": 0.12, "near": 0.13, "seen": 0.07, "size": 0.07,
    "first": 0.08,
}  # fmt: skip
_SAME_SITE_KM = 5.0  # GeoNames and ACLED often give one village twice, a km or two apart
_RESPELLED = 0.85  # "Gawa" for "Gaoua": likely, but less than the very spelling
_NOT_POPULATED = 0.85  # a hill, camp or well named like a village is rarely the one meant
_RANK_SIZE = {"PPLC": 1.0, "PPLA": 0.8, "PPLA2": 0.6, "PPLA3": 0.5, "PPL": 0.25}


@dataclass(frozen=True)
class PlaceCandidate:
    """A place a text may name, with where it came from in the text and how sure we are.

    ``matched`` is ``text[start:end]``; ``name`` the gazetteer (or admin unit) name it matched.
    Admin-area and country candidates sit at the area's centroid: ``feature_class`` "A",
    ``geonameid`` and ``population`` None.
    """

    name: str
    matched: str
    start: int
    end: int
    lat: float
    lon: float
    iso3: str
    admin1_code: str | None
    admin1_name: str | None
    feature_class: str
    feature_code: str
    population: int | None
    geonameid: int | None
    score: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"expected a score in [0, 1], got {self.score}")
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValueError(f"expected lat/lon in range, got {self.lat}, {self.lon}")


# --- scoring -------------------------------------------------------------------------------


def _size(site: Site) -> float:
    if site.feature_class != "P":
        return 0.0
    by_pop = min(1.0, math.log10(site.population) / 6.0) if site.population else 0.0
    return max(_RANK_SIZE.get(site.feature_code, 0.25), by_pop)


def _km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    kx = math.cos(math.radians(lat0))
    return np.hypot((lon - lon0) * kx, lat - lat0) * 111.195


def _support(spans: list[Mention], sites: tuple[Site, ...]) -> list[dict[int, float]]:
    """Per span, per site: how much the other spans' places nearby support it (0..1)."""
    coords = [
        (np.array([sites[s].lat for s in sp.sites]), np.array([sites[s].lon for s in sp.sites]))
        for sp in spans
    ]
    out: list[dict[int, float]] = []
    for k, sp in enumerate(spans):
        support: dict[int, float] = {}
        for s in sp.sites:
            best = 0.0
            for j, (lats, lons) in enumerate(coords):
                if j != k and lats.size:
                    km = float(_km(lats, lons, sites[s].lat, sites[s].lon).min())
                    best = max(best, max(0.0, 1.0 - km / NEAR_KM) * min(1.0, 3.0 / lats.size))
            support[s] = best
        out.append(support)
    return out


def _features(spans: list[Mention], index: PlaceIndex) -> list[tuple[int, int, dict[str, float]]]:
    """Every (site, span position, evidence 0..1 by kind) the spans propose."""
    sites = index.sites
    support = _support(spans, sites)
    out: list[tuple[int, int, dict[str, float]]] = []
    context = {u for o in spans for u in o.units}
    for k, sp in enumerate(spans):
        spelling = letters([sp.text])
        for s in sp.sites:
            same = sp.quality == 1.0 and (spelling, s) in index.spelled
            parts = {
                "match": sp.quality * (1.0 if same else _RESPELLED),
                "cue": sp.cue,
                "context": float(sites[s].unit in context),
                "near": support[k][s],
                "seen": sites[s].seen,
                "size": _size(sites[s]),
                "first": 1.0 / (1 + k),
            }
            out.append((s, k, parts))
    return out


def _scored(
    spans: list[Mention], index: PlaceIndex, weights: dict[str, float] | None = None
) -> dict[int, tuple[float, int]]:
    """Best score and span position of every candidate site."""
    weights = weights or _WEIGHTS
    sites = index.sites
    best: dict[int, tuple[float, int]] = {}
    for s, k, parts in _features(spans, index):
        score = sum(weights.get(p, 0.0) * v for p, v in parts.items())
        if sites[s].feature_class != "P":
            score *= _NOT_POPULATED
        if score > best.get(s, (-1.0, 0))[0]:
            best[s] = (score, k)
    for k, sp in enumerate(spans):
        if sp.area is not None and (sp.area_only or not sp.sites):
            low = 0.15 if sites[sp.area].feature_code == "PCLI" else 0.3
            best.setdefault(sp.area, (low * (0.5 + 0.5 * sp.cue), k))
    return best


def find_places(
    text: str, *, lang: str | None = None, limit: int = 5
) -> tuple[PlaceCandidate, ...]:
    """Places the text names, best first, matched in the shipped gazetteer.

    ``lang`` ("en", "fr" or None) is accepted for symmetry with the other extractors: the
    cues of both languages are always read, as field messages mix them.
    """
    require_text(text)
    require_lang(lang)
    if limit < 1:
        raise ValueError(f"expected limit >= 1, got {limit}")
    index = place_index()
    spans = mentions(text, index)
    scored = _scored(spans, index)
    order = sorted(
        scored,
        key=lambda s: (-round(scored[s][0], 6), -(index.sites[s].population or 0), scored[s][1]),
    )
    kept: list[int] = []
    for s in order:
        if len(kept) == limit:
            break
        site = index.sites[s]
        if not any(_km(np.array([site.lat]), np.array([site.lon]), index.sites[k].lat,
                       index.sites[k].lon)[0] < _SAME_SITE_KM for k in kept):  # fmt: skip
            kept.append(s)
    return tuple(_candidate(index.sites[s], spans[scored[s][1]], text, scored[s][0]) for s in kept)


def _candidate(site: Site, span: Mention, text: str, score: float) -> PlaceCandidate:
    levels = levels_of(admin_index().units[site.unit] if site.unit >= 0 else None)
    return PlaceCandidate(
        name=site.name,
        matched=text[span.start : span.end],
        start=span.start,
        end=span.end,
        lat=site.lat,
        lon=site.lon,
        iso3=site.iso3 if site.iso3 in STATES else "",
        admin1_code=levels.admin1_code,
        admin1_name=levels.admin1_name,
        feature_class=site.feature_class,
        feature_code=site.feature_code,
        population=site.population,
        geonameid=site.geonameid,
        score=round(min(1.0, max(0.0, score)), 4),
    )
