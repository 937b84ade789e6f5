"""The names a text gives to places, found in the gazetteer: the first half of
:func:`liptako.intake.places.find_places` (the second scores them).

Every run of capitalised words (any word, when the text is all in one case) is looked up under
its spelling *skeleton* (:func:`liptako.intake.placenames.skeleton`), the longest run first,
then, when a longer word has no such match, the nearest skeleton by edit ratio (rapidfuzz).
Each mention keeps the cue before it ("coded as", "the village of", "near", "à", "près de",
"10 km from" ...) and the admin area it names, if it names one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from liptako.core.geoindex import fold
from liptako.intake.placenames import MIN_FUZZY, PlaceIndex, skeleton

FUZZY_CUTOFF = 86.0
"""Least rapidfuzz ``ratio`` (0-100) between skeletons for a near match."""

_MAX_WORDS = 4
_HEAD_QUALITY = 0.6  # "Gouma" for "Gouma-Coura": often the same village, often not
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
class Mention:
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


def mentions(text: str, index: PlaceIndex) -> list[Mention]:
    """The places the text names, in reading order, each at its longest matching run."""
    any_case = text.isupper() or text.islower()
    words = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    ok = [_eligible(text, a, b, any_case) for a, b in words]
    found: list[Mention] = []
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
        found.append(span)
        i = next((j for j in range(i, len(words)) if words[j][0] >= span.end), len(words))
    return found


def _led_by_stop_word(
    text: str, words: list[tuple[int, int]], ok: list[bool], i: int, index: PlaceIndex
) -> Mention | None:
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
            return Mention(text[start:end], start, end, sites, 1.0, cue, (), None, False)
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
) -> Mention | None:
    run = _run(text, words, ok, i)
    for find in (_lookup, _fuzzy):
        for n in range(run if find is _lookup else min(run, 2), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            key = skeleton(text[start:end])
            units, area = index.admin_by_key.get(key, ((), None))
            sites, quality = find(key, index)
            if sites or area is not None:
                area_only = area is not None and _admin_kind_near(text, start, end)
                return Mention(
                    text[start:end], start, end, () if area_only else sites, quality or 1.0,
                    _cue_before(fold(text[max(0, start - 40) : start])), units, area, area_only,
                )  # fmt: skip
    return _head_of_compound(text, words[i], index)


def _head_of_compound(text: str, word: tuple[int, int], index: PlaceIndex) -> Mention | None:
    """The first part of an unknown compound ("Gouma-Coura", "Gondogorou-Dogon"), less sure."""
    start, end = word
    head = text[start:end].split("-")[0]
    if head == text[start:end] or not (sites := index.by_key.get(skeleton(head))):
        return None
    cue = _cue_before(fold(text[max(0, start - 40) : start]))
    return Mention(head, start, start + len(head), sites, _HEAD_QUALITY, cue, (), None, False)
