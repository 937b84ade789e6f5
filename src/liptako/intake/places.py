"""The place of an event from text: names in the text matched in the shipped gazetteer.

A text names places in many ways ("near Neni", "le village de Boni", "10 km from Djibo",
"coded as Sirgne"); GeoNames spells them one way among several ("Ségou"/"Segou",
"Djombolo"/"Diombolo", "Dinangourou"/"Dinangorou"). We look up every run of capitalised words
in GeoNames and the sites of past ACLED events under a spelling *skeleton* (accents, case,
ou/u, dj/j, tch/ch/c, y/i, w/u, doubled letters folded), then, when a longer word has no such
match, the nearest skeleton by edit ratio.
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
import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from liptako.core.adminlevels import levels_of
from liptako.core.geo import STATES, admin_index
from liptako.core.geoindex import fold
from liptako.intake.placenames import MIN_FUZZY, PlaceIndex, Site, letters, place_index, skeleton

FUZZY_CUTOFF = 86.0
"""Least rapidfuzz ``ratio`` (0-100) between skeletons for a near match."""

NEAR_KM = 100.0
"""Two places named in one text support each other, fully at 0 km, not at all from here."""

_MAX_WORDS = 4
_WEIGHTS = {  # tuned on 2018 notes with the ACLED sites of 2017 and before; they sum to 1
    "match": 0.13, "cue": 0.40, "context": 0.12, "near": 0.13, "seen": 0.07, "size": 0.07,
    "first": 0.08,
}  # fmt: skip
_SAME_SITE_KM = 5.0  # GeoNames and ACLED often give one village twice, a km or two apart
_HEAD_QUALITY = 0.6  # "Gouma" for "Gouma-Coura": often the same village, often not
_RESPELLED = 0.85  # "Gawa" for "Gaoua": likely, but less than the very spelling
_NOT_POPULATED = 0.85  # a hill, camp or well named like a village is rarely the one meant
_RANK_SIZE = {"PPLC": 1.0, "PPLA": 0.8, "PPLA2": 0.6, "PPLA3": 0.5, "PPL": 0.25}

_TOKEN = re.compile(r"[^\W\d_](?:[\w'’]|-(?=[^\W\d_]))*")
# Cues are matched at the end of the folded text before a name; the longest wins.
_CUES: dict[str, float] = {
    # above the others: "(coded as Ouro ...)" names the point meant, whatever else is named
    "coded as": 1.3,
    "code comme": 1.3,
    "location as": 1.3,  # "coded at approximate location as In Nazour"
    **dict.fromkeys(
        (
            "village of", "town of", "locality of", "hamlet of", "commune of", "area of",
            "city of", "camp of", "site of", "vicinity of", "outskirts of", "localite de",
            "village de", "ville de", "commune de", "zone de", "hameau de", "localite d",
            "secteur de", "environs de", "camp de", "site de",
        ),
        0.9,
    ),
    **dict.fromkeys(
        (
            "in", "near", "at", "around", "outside", "inside", "close to", "a", "pres de",
            "non loin de", "dans", "vers", "sur", "au", "aux", "en", "localite", "village",
        ),
        0.8,
    ),
    **dict.fromkeys(
        ("between", "and", "from", "to", "towards", "toward", "entre", "et", "de", "du", "des", "d",
         "of"),
        0.5,
    ),
    # "35km west of Menaka": ACLED mostly codes the named town, a little less than "near"
    **dict.fromkeys(
        ("km from", "km de", "north of", "south of", "east of", "west of", "nord de",
         "sud de", "est de", "ouest de"),
        0.65,
    ),
}  # fmt: skip
_CUE_MAX_WORDS = 3
_STRONG_CUE = 0.8
_NAME_PREFIXES = frozenset(("in", "tin", "ti", "i"))  # Tamasheq "In Khalil", "Tin Zaouatene"
_ADMIN_KINDS = frozenset(
    ("region", "regions", "province", "provinces", "prefecture", "departement", "department")
)

# Capitalised words that start sentences or name people, groups and things, not places.
_NOT_PLACE_WORDS = """
    on in at the a an and or of to from near by for with as after before during since
    this that these those there their his her its it he she they we i one two three four
    five six seven eight nine ten some several many unknown suspected presumed alleged
    reportedly around between while when who which what
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    le la les un une des du de au aux et ou en dans sur par pour avec selon lors apres avant
    ce cette ces il elle ils elles on nous leur leurs son sa ses deux trois quatre cinq
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd
    army forces force police gendarmerie gendarmes military militants militant soldiers
    security defense defence national guard government ministry minister president mayor
    islamic state group groups unidentified gunmen armed men civilians civilian villagers
    fulani peul peulh dogon tuareg touareg bambara mossi songhai arab arabs dozo dozos
    koglweogo malian burkinabe nigerien nigerian french barkhane minusma un boko haram
    ansar ansaroul katiba macina dine islam al qaeda jihadists no not yes dogons bambaras peuls
    fulanis tuaregs touaregs songhais mossis
    armee forces gendarmerie militaires soldats hommes armes individus civils habitants
    jihadistes terroristes assaillants"""
_NOT_PLACES = frozenset(_NOT_PLACE_WORDS.split())


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


# --- reading the text ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    text: str
    start: int
    end: int
    sites: tuple[int, ...]
    quality: float  # 1 for a skeleton match, less for a near one
    cue: float
    units: tuple[int, ...]  # admin units the span names, if it names one
    area: int | None  # the centroid site of that admin area
    area_only: bool  # named with its kind ("Mopti region"): the area, not the town


def _eligible(text: str, start: int, end: int, any_case: bool) -> bool:
    word = text[start:end]
    if fold(word) in _NOT_PLACES:
        return False
    capitals = max(sum(c.isupper() for c in part) for part in word.split("-"))
    if not any_case and (capitals >= 3 or (len(word) <= 5 and word.isupper())):
        # acronyms (JNIM, ISGS, FDS, VDP, FAMa), unless a place cue comes first: "in SEGOU"
        return _cue_before(fold(text[max(0, start - 40) : start])) >= _STRONG_CUE
    return any_case or word[0].isupper()


def _cue_before(folded_before: str) -> float:
    words = folded_before.split()[-_CUE_MAX_WORDS - 1 :]
    for n in range(len(words), 0, -1):
        if (cue := " ".join(words[-n:])) in _CUES:
            return _CUES[cue]
        if n >= 2 and words[-n].isdigit() and " ".join(words[-n + 1 :]) in _CUES:
            return _CUES[" ".join(words[-n + 1 :])]  # "10 km from"
    return 0.2


def _admin_kind_near(text: str, start: int, end: int) -> bool:
    before = fold(text[max(0, start - 30) : start]).split()[-2:]
    after = fold(text[end : end + 15]).split()[:1]
    return bool(set(before[:1] + before[-1:] + after) & _ADMIN_KINDS)


def _lookup(key: str, index: PlaceIndex) -> tuple[tuple[int, ...], float]:
    if hits := index.by_key.get(key):
        return hits, 1.0
    return (), 0.0


def _fuzzy(key: str, index: PlaceIndex) -> tuple[tuple[int, ...], float]:
    if len(key) < MIN_FUZZY:
        return (), 0.0
    found = process.extract(
        key, index.by_initial.get(key[0], ()), scorer=fuzz.ratio,
        score_cutoff=FUZZY_CUTOFF, limit=3,
    )  # fmt: skip
    if not found:
        return (), 0.0
    best = max(score for _, score, _ in found)
    sites = sorted({i for k, score, _ in found if score == best for i in index.by_key[k]})
    return tuple(sites), 0.5 + 0.3 * (best - FUZZY_CUTOFF) / (100.0 - FUZZY_CUTOFF)


def _spans(text: str, index: PlaceIndex) -> list[_Span]:
    any_case = text.isupper() or text.islower()
    words = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    ok = [_eligible(text, a, b, any_case) for a, b in words]
    spans: list[_Span] = []
    i = 0
    while i < len(words):
        span = (
            _span_at(text, words, ok, i, index)
            if ok[i]
            else _led_by_stop_word(text, words, ok, i, index)
        )
        if span is None:
            i += 1
            continue
        spans.append(span)
        i = next((j for j in range(i, len(words)) if words[j][0] >= span.end), len(words))
    return spans


def _led_by_stop_word(
    text: str, words: list[tuple[int, int]], ok: list[bool], i: int, index: PlaceIndex
) -> _Span | None:
    """A name whose first word alone is no place ("In Khalil", "Tin Zaouatene"), exact only."""
    if fold(text[words[i][0] : words[i][1]]) not in _NAME_PREFIXES:
        return None
    if not text[words[i][0]].isupper() or i + 1 >= len(words) or not ok[i + 1]:
        return None
    if text[words[i][1] : words[i + 1][0]] != " ":
        return None
    run = _run(text, words, ok, i + 1)
    for n in range(run, 0, -1):
        start, end = words[i][0], words[i + n][1]
        if sites := index.by_key.get(skeleton(text[start:end])):
            cue = _cue_before(fold(text[max(0, start - 40) : start]))
            return _Span(text[start:end], start, end, sites, 1.0, cue, (), None, False)
    return None


def _run(text: str, words: list[tuple[int, int]], ok: list[bool], i: int) -> int:
    """How many eligible words from ``i`` on are joined by spaces alone (a multi-word name)."""
    n = 1
    while (
        n < _MAX_WORDS and i + n < len(words) and ok[i + n]
        and text[words[i + n - 1][1] : words[i + n][0]] == " "
    ):  # fmt: skip
        n += 1
    return n


def _span_at(
    text: str, words: list[tuple[int, int]], ok: list[bool], i: int, index: PlaceIndex
) -> _Span | None:
    run = _run(text, words, ok, i)
    for find in (_lookup, _fuzzy):
        for n in range(run if find is _lookup else min(run, 2), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            key = skeleton(text[start:end])
            units, area = index.admin_by_key.get(key, ((), None))
            sites, quality = find(key, index)
            if sites or area is not None:
                area_only = area is not None and _admin_kind_near(text, start, end)
                return _Span(
                    text[start:end], start, end, () if area_only else sites, quality or 1.0,
                    _cue_before(fold(text[max(0, start - 40) : start])), units, area, area_only,
                )  # fmt: skip
    return _head_of_compound(text, words[i], index)


def _head_of_compound(text: str, word: tuple[int, int], index: PlaceIndex) -> _Span | None:
    """The first part of an unknown compound ("Gouma-Coura", "Gondogorou-Dogon"), less sure."""
    start, end = word
    head = text[start:end].split("-")[0]
    if head == text[start:end] or not (sites := index.by_key.get(skeleton(head))):
        return None
    cue = _cue_before(fold(text[max(0, start - 40) : start]))
    return _Span(head, start, start + len(head), sites, _HEAD_QUALITY, cue, (), None, False)


# --- scoring -------------------------------------------------------------------------------


def _size(site: Site) -> float:
    if site.feature_class != "P":
        return 0.0
    by_pop = min(1.0, math.log10(site.population) / 6.0) if site.population else 0.0
    return max(_RANK_SIZE.get(site.feature_code, 0.25), by_pop)


def _km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    kx = math.cos(math.radians(lat0))
    return np.hypot((lon - lon0) * kx, lat - lat0) * 111.195


def _support(spans: list[_Span], sites: tuple[Site, ...]) -> list[dict[int, float]]:
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


def _features(spans: list[_Span], index: PlaceIndex) -> list[tuple[int, int, dict[str, float]]]:
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
    spans: list[_Span], index: PlaceIndex, weights: dict[str, float] | None = None
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
    if not isinstance(text, str):
        raise ValueError(f"expected text as a str, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("expected a non-empty text, got an empty or blank string")
    if lang not in (None, "en", "fr"):
        raise ValueError(f"expected lang 'en', 'fr' or None, got {lang!r}")
    if limit < 1:
        raise ValueError(f"expected limit >= 1, got {limit}")
    index = place_index()
    spans = _spans(text, index)
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


def _candidate(site: Site, span: _Span, text: str, score: float) -> PlaceCandidate:
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
