"""Canonical actors named in a report's text, with who acted on whom.

Names come from the actor registry's aliases (GSIM, EIGS, Katiba Macina...) and from a
small lexicon of the descriptions reports use ("soldiers", "les FDS", "unknown gunmen",
"villagers"); descriptions of a kind that exists once per country (state forces, civilians,
protesters) need the country, which the caller gives when the place is known. A mention
before the sentence's first act verb is its perpetrator, one after it its target, unless the
verb is passive ("were killed by") or the mention follows "by"/"par".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from liptako.intake.text import require_lang, require_text
from liptako.intel.actors import ActorRegistry

Role = Literal["perpetrator", "target"]
_COUNTRY_WORDS: Final = {"mli": "malian|fama|mali", "bfa": "burkinabe|burkina",
                         "ner": "nigerien|niger"}
_FORCES: Final = (r"army|soldiers?|troops|military|armed forces|security forces|forces"
                  r"|armee|soldats|militaires|forces armees")
# (pattern on folded text, actor id template; "{c}" is the country's lower-case ISO3)
_CUES: Final = (
    (r"\bfama\b|malian (?:" + _FORCES + r")", "state.mli.military"),
    (r"\bburkinabe (?:" + _FORCES + r")", "state.bfa.military"),
    (r"\bnigerien (?:" + _FORCES + r")", "state.ner.military"),
    (r"\bfrench (?:" + _FORCES + r")|forces francaises|militaires francais", "state.fra.military"),
    (r"\bgendarm\w*", "state.{c}.gendarmerie"),
    (r"\bpolice\w*|policiers?", "state.{c}.police"),
    (r"\b(?:fds|defen[cs]e and security forces|" + _FORCES + r")\b", "state.{c}.military"),
    (r"\b(?:unknown|unidentified|armed) (?:gunmen|assailants|men|attackers|individuals)\b"
     r"|\bgunmen\b|hommes armes|individus armes|assaillants|bandits? armes",
     "unidentified_armed_group.{c}"),
    (r"\b(?:islamist|jihadist|terrorist)s?\b|\bdjihadistes?\b|\bterroristes?\b",
     "islamist_militia.{c}"),
    (r"\bfulani (?:militi\w*|gunmen|men)|\bpeuls? armes|milices? peules?", "militia.fulani"),
    (r"\bdogon (?:militi\w*|hunters|gunmen)|milices? dogons?", "militia.dogon"),
    (r"\bdozos?\b|\bdonsos?\b", "militia.dozo"),
    (r"\bbh\b|boko haram", "boko_haram"),
    (r"\bislamic state\b(?! \(?west)|\betat islamique\b(?! en afrique)", "is_sahel"),
    (r"\bprotest\w*|demonstrat\w*|manifest\w*|sit-in", "protesters.{c}"),
    (r"\briot\w*|\bmob\b|emeut\w*", "rioters.{c}"),
    (r"\b(?:civilians?|villagers?|residents?|people|inhabitants|civils?|villageois"
     r"|habitants|population)\b", "civilians.{c}"),
    # people named by their community or their trade, as ACLED codes them: civilians
    (r"\b(?:members? of the \w+ (?:community|ethnic group)|communaute \w+"
     r"|herd(?:er|sm[ae]n)s?|pastoralists?|farmers?|traders?|merchants?|shopkeepers?"
     r"|teachers?|(?:village|religious) (?:chief|leader)s?|imams?|eleveurs?|bergers?"
     r"|cultivateurs?|agriculteurs?|commercants?|enseignants?|chefs? de village)\b",
     "civilians.{c}"),
)
_VERB: Final = re.compile(
    r"\b(?:attack\w*|kill\w*|ambush\w*|abduct\w*|kidnap\w*|shot|shoot\w*|clash\w*|raid\w*"
    r"|fired|opened fire|burn\w*|loot\w*|seiz\w*|arrest\w*|execut\w*|assassinat\w*|target\w*"
    r"|struck|storm\w*|beat\w*|protest\w*|demonstrat\w*|stole|robbed|wounded|injured"
    r"|attaqu\w*|tue\w*|abatt\w*|enlev\w*|embuscade|pill\w*|incendi\w*|arret\w*|manifest\w*"
    r"|blesse\w*|assassin\w*)"
)
_PASSIVE: Final = re.compile(r"\b(?:was|were|been|being|ete)\s+(?:\w+\s+)?$")
_BY: Final = re.compile(r"\b(?:by|par)\b")
_SENTENCE: Final = re.compile(r"[^.;!?]+")


@dataclass(frozen=True)
class ActorFinding:
    """A canonical actor named in the text: where, as what role, how sure."""

    actor_id: str
    text: str
    start: int
    end: int
    role: Role
    confidence: float


def fold_keep_length(text: str) -> str:
    """Lower case without diacritics, one character for one, so spans stay valid."""
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1].lower()
    return base if len(base) == 1 else char


@functools.cache
def _alias_patterns() -> tuple[tuple[re.Pattern[str], str, bool], ...]:
    """(pattern, actor id, acronym) for each usable alias, longest names first."""
    registry = ActorRegistry.load()
    seen: dict[tuple[str, str], bool] = {}
    for actor_id, alias in registry.aliases():
        if alias.ambiguous or alias.source_only or alias.lang not in ("en", "fr", "ar-Latn"):
            continue
        name = fold_keep_length(alias.name.strip())
        if len(name) >= 3:
            seen[(name, actor_id)] = alias.name.isupper()
    ordered = sorted(seen.items(), key=lambda kv: -len(kv[0][0]))
    return tuple(
        (re.compile(r"(?<!\w)" + re.escape(name).replace(r"\ ", r"\s+") + r"(?!\w)"), aid, acro)
        for (name, aid), acro in ordered
    )


def find_actors(
    text: str, *, on: dt.date | None = None, lang: str | None = None,
    country: str | None = None,
) -> tuple[ActorFinding, ...]:
    """Canonical actors named in ``text``, with their spans, roles and confidences.

    ``country`` (ISO3) names the state where the event happened, for descriptions that
    depend on it ("soldiers", "villagers"); without it they are left out. ``on`` picks the
    registry's names valid on that day where a name changed meaning. ``lang`` is accepted
    for symmetry with the other extractors: the lexicon holds both languages.
    """
    require_text(text)
    require_lang(lang)
    if country is not None and not re.fullmatch(r"[A-Za-z]{3}", country):
        raise ValueError(f"country: expected an ISO3 code such as 'MLI', got {country!r}")
    folded = fold_keep_length(text)
    mentions = _alias_mentions(text, folded, on) + _cue_mentions(folded, country)
    findings = [_with_role(folded, text, m) for m in _without_overlaps(mentions)]
    return _dedupe(findings)


_Mention = tuple[int, int, str, float]


def _alias_mentions(text: str, folded: str, on: dt.date | None) -> list[_Mention]:
    registry = ActorRegistry.load()
    found: list[_Mention] = []
    for pattern, actor_id, acronym in _alias_patterns():
        for match in pattern.finditer(folded):
            if acronym and not text[match.start() : match.end()].isupper():
                continue
            valid = any(a.valid_on(on) for a in registry.get(actor_id).aliases)
            found.append((match.start(), match.end(), actor_id, 0.9 if valid else 0.7))
    return found


def _cue_mentions(folded: str, country: str | None) -> list[_Mention]:
    code = country.lower() if country else None
    found: list[_Mention] = []
    for pattern, template in _CUE_RE:
        if "{c}" in template and code is None:
            continue
        actor_id = template.format(c=code)
        found += [(m.start(), m.end(), actor_id, 0.7) for m in pattern.finditer(folded)]
    return found


def _without_overlaps(mentions: list[_Mention]) -> list[_Mention]:
    """Longest (then surest) mention wins where two overlap: "Malian soldiers", not "soldiers"."""
    kept: list[_Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m[1] - m[0]), -m[3], m[0])):
        if all(m[1] <= k[0] or m[0] >= k[1] for k in kept):
            kept.append(m)
    return sorted(kept)


def _with_role(folded: str, text: str, mention: _Mention) -> ActorFinding:
    start, end, actor_id, confidence = mention
    sentence = next((s for s in _SENTENCE.finditer(folded) if s.start() <= start < s.end()),
                    None)
    lo, hi = (sentence.start(), sentence.end()) if sentence else (0, len(folded))
    verb = _VERB.search(folded, lo, hi)
    role: Role = "perpetrator"
    if actor_id.startswith(("protesters.", "rioters.")):
        pass  # the crowd is the actor of its own protest or riot
    elif verb is None:
        confidence *= 0.8
    elif start < verb.start():
        role = "target" if _PASSIVE.search(folded[lo : verb.start()]) else "perpetrator"
    else:
        role = "perpetrator" if _BY.search(folded[verb.end() : start]) else "target"
    return ActorFinding(actor_id, text[start:end], start, end, role, round(confidence, 2))


def _dedupe(findings: list[ActorFinding]) -> tuple[ActorFinding, ...]:
    """One finding per actor, in one role: its surest mention, the first among equals.

    An actor named twice ("gunmen attacked soldiers; the soldiers repelled them") is not both
    the perpetrator and the target of one incident; the mention next to an act verb says
    which it is better than one in a sentence without.
    """
    best: dict[str, ActorFinding] = {}
    for f in findings:
        if f.actor_id not in best or f.confidence > best[f.actor_id].confidence:
            best[f.actor_id] = f
    return tuple(sorted(best.values(), key=lambda f: f.start))


_CUE_RE: Final = tuple((re.compile(p), t) for p, t in _CUES)
