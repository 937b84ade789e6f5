"""The index :mod:`liptako.intake.places` matches names in: GeoNames and ACLED sites by spelling.

Three sources of sites, built into one list once per process:

- the shipped GeoNames extract (the file ``liptako.core.geo.iter_gazetteer`` reads, read here
  as plain tuples for speed), populated places, spots, areas, admin features and terrain (not
  hydrographic features: wells and wadis rarely name an event and often share a village's name);
- the sites ACLED coded events at up to the end of the training period
  (``data/acled_places.tsv``, built by ``scripts/intake_places_data.py``), which fill GeoNames'
  gaps in hamlets and say which of several namesakes has seen events;
- the shipped admin units, Burkina Faso's regions and the three countries, at their centroid.

Names are keyed by :func:`skeleton`, which folds the spelling variants French, English and
local transliterations produce.
"""

from __future__ import annotations

import functools
import gzip
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib.resources import files
from typing import NamedTuple

import shapely

from liptako.core.geo import ISO3_BY_ISO2, admin_index

_FEATURE_CLASSES = frozenset("PSLAT")  # wells, wadis and ponds (H) name events rarely, clash often
MIN_FUZZY = 5  # shorter names match too many others at any useful ratio
_SEEN_FULL = 20  # events at a site after which more do not make it likelier
_SKELETON_PAIRS = (
    ("tch", "c"), ("tsh", "c"), ("ch", "c"), ("sh", "c"), ("dj", "j"), ("dy", "j"),
    ("ou", "u"), ("oo", "u"), ("w", "u"), ("y", "i"), ("ph", "f"), ("kh", "k"), ("q", "k"),
    ("gh", "g"),
)  # fmt: skip
_SILENT_H = re.compile(r"(?<=[^aeiou\n])h")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_NON_LETTER = re.compile(r"[^a-z\n]+")
_DOUBLED = re.compile(r"(.)\1+")


def skeleton(name: str) -> str:
    """Spelling key: accents, case, spaces and common transliteration variants folded.

    >>> skeleton("Djibo") == skeleton("Jibo") and skeleton("Ségou") == skeleton("SEGOU")
    True
    """
    return skeletons([name])[0]


def letters(names: list[str]) -> str:
    """Names as one blob, a line each, in lower-case ASCII letters ("N'Gouma": "ngouma")."""
    blob = "\n".join(n.replace("\n", " ") for n in names).casefold()
    if not blob.isascii():
        blob = _COMBINING.sub("", unicodedata.normalize("NFKD", blob))
    return _NON_LETTER.sub("", blob)


def skeletons(names: list[str]) -> list[str]:
    """:func:`skeleton` of many names in one pass over a joined blob (the gazetteer: 80k)."""
    return _skeletons_of(letters(names).split("\n"))


def _skeletons_of(spellings: list[str]) -> list[str]:
    """Skeletons of names already reduced by :func:`letters`."""
    blob = "\n".join(spellings)
    for a, b in _SKELETON_PAIRS:
        blob = blob.replace(a, b)
    return _DOUBLED.sub(r"\1", _SILENT_H.sub("", blob)).split("\n")


class Site(NamedTuple):
    """A gazetteer place, an ACLED site or an admin area (a tuple: 60k are built fast)."""

    name: str
    lat: float
    lon: float
    iso3: str
    unit: int  # index into admin_index().units, -1 outside all
    feature_class: str
    feature_code: str
    population: int | None
    geonameid: int | None
    seen: float = 0.0  # 0..1, how many past events ACLED coded here (acled_places.tsv)


@dataclass(frozen=True)
class PlaceIndex:
    """Sites and the keys that find them."""

    sites: tuple[Site, ...]
    by_key: dict[str, tuple[int, ...]]
    spelled: frozenset[tuple[str, int]]  # (letters of a name, site): the very spelling
    by_initial: dict[str, tuple[str, ...]]
    admin_by_key: dict[str, tuple[tuple[int, ...], int]]  # key -> (units, centroid site)


@functools.cache
def place_index() -> PlaceIndex:
    """The gazetteer and ACLED sites by spelling skeleton, built once per process."""
    places = _gazetteer()
    acled = _acled_sites()
    lats = [p[1] for p in places] + [a[1] for a in acled]
    lons = [p[2] for p in places] + [a[2] for a in acled]
    where: list[int] = admin_index().assign(lats, lons).tolist()
    sites = [
        Site(p[0], p[1], p[2], p[3], u, p[4], p[5], p[6], p[7])
        for p, u in zip(places, where, strict=False)
    ]
    sites += [
        Site(name, lat, lon, iso3, u, "P", "", None, None, _seen(events))
        for (name, lat, lon, iso3, events), u in zip(acled, where[len(places) :], strict=True)
    ]
    owners = [i for i, p in enumerate(places) for _ in p[8]]
    owners += range(len(places), len(sites))
    spellings = letters([n for p in places for n in p[8]] + [a[0] for a in acled]).split("\n")
    keys: dict[str, list[int]] = defaultdict(list)
    for k, i in zip(_skeletons_of(spellings), owners, strict=True):
        keys[k].append(i)
    keys.pop("", None)
    admin_by_key = _admin_sites(sites)
    initials: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        if len(k) >= MIN_FUZZY:
            initials[k[0]].append(k)
    return PlaceIndex(
        tuple(sites),
        {k: tuple(sorted(set(v))) for k, v in keys.items()},
        frozenset(zip(spellings, owners, strict=True)),
        {c: tuple(ks) for c, ks in initials.items()},
        admin_by_key,
    )


_Row = tuple[str, float, float, str, str, str, "int | None", int, tuple[str, ...]]


def _gazetteer() -> list[_Row]:
    """The GeoNames extract's rows we match, read in one pass.

    Plain tuples (name, lat, lon, iso3, class, code, population, geonameid, its names)
    rather than :class:`liptako.core.geo.Place`: building 60k validated records would take
    half the index's load time.
    """
    resource = files("liptako.core").joinpath("data", "gazetteer_sahel.tsv.gz")
    lines = gzip.decompress(resource.read_bytes()).decode("utf-8").split("\n")
    cols = {c: i for i, c in enumerate(lines[0].split("\t"))}
    gid, name, ascii_, alt, lat, lon, fcl, fco, cc, pop = (
        cols[c] for c in ("geonameid", "name", "asciiname", "alternatenames", "latitude",
                          "longitude", "feature_class", "feature_code", "country_code",
                          "population")
    )  # fmt: skip
    out: list[_Row] = []
    for line in lines[1:]:
        f = line.split("\t")
        if len(f) <= pop or f[fcl] not in _FEATURE_CLASSES:
            continue
        names = {f[name], f[ascii_], *(f[alt].split(",") if f[alt] else ())}
        out.append((
            f[name], float(f[lat]), float(f[lon]), ISO3_BY_ISO2[f[cc]], f[fcl], f[fco],
            int(f[pop] or 0) or None, int(f[gid]), tuple(names),
        ))  # fmt: skip
    return out


def acled_text() -> str:
    """The shipped ``acled_places.tsv`` (see ``scripts/intake_places_data.py``)."""
    return files("liptako.intake").joinpath("data", "acled_places.tsv").read_text(encoding="utf-8")


def _acled_sites() -> list[tuple[str, float, float, str, int]]:
    """(name, lat, lon, iso3, events) of the sites ACLED coded past events at."""
    lines = [ln for ln in acled_text().splitlines() if ln and not ln.startswith("#")][1:]
    out = []
    for line in lines:
        name, lat, lon, iso3, events = line.split("\t")
        out.append((name, float(lat), float(lon), iso3, int(events)))
    return out


def _seen(events: int) -> float:
    return 0.5 + 0.5 * min(1.0, math.log1p(events) / math.log1p(_SEEN_FULL))


def _admin_sites(sites: list[Site]) -> dict[str, tuple[tuple[int, ...], int]]:
    """Admin units, Burkina regions and the three countries, appended to ``sites``."""
    units = admin_index()
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, u in enumerate(units.units):
        for n in {u.name, u.name_fr or u.name}:
            groups[(n, "ADM1" if u.iso3 != "BFA" else "ADM2")].append(k)
        if u.region:
            groups[(u.region, "ADM1")].append(k)
        groups[({"BFA": "Burkina Faso", "MLI": "Mali", "NER": "Niger"}[u.iso3], "PCLI")].append(k)
    out: dict[str, tuple[tuple[int, ...], int]] = {}
    for (name, code), members in groups.items():
        geom = shapely.union_all(units.polygons[members])
        pt = geom.representative_point() if code != "PCLI" else geom.centroid
        sites.append(
            Site(name, pt.y, pt.x, units.units[members[0]].iso3, members[0], "A", code,
                  None, None)
        )  # fmt: skip
        out[skeleton(name)] = (tuple(members), len(sites) - 1)
    return out
