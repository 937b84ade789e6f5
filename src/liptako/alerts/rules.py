"""Pure rules of alerting: the kinds of rule, their parameters, markings and CAP scope.

Kinds built now (each finds *situations*, see :mod:`liptako.alerts.evaluate`):

- ``fatalities``: the fatalities recorded in one admin-1 unit over the last ``days`` days
  reach ``threshold`` (``area`` names the unit; without it every unit is watched, each on
  its own);
- ``events``: the same with the number of events;
- ``charter``: an incident of the last ``days`` days engages one of ``articles`` (6 and 7 of
  the Charter by default) in the stored determinations of ``pact_id``;
- ``cluster``: the latest stored hotspot scan (``liptako warning scan``), if its study
  period ended within the last ``days`` days, has a space-time cluster with a p-value of at
  most ``p_value``; a cluster is one situation per centre unit, so that the same hot spot
  found again by the next scan keeps its alert (updated when new incidents join it) and one
  that the next scan no longer finds ends;
- ``forecast``: the latest stored forecast made for every user (``liptako forecast run``)
  expects at least ``threshold`` fatalities, or gives at least ``probability`` to a month of
  25 or more, in a unit in one of the next ``months`` months (3 by default) not yet over;
  one situation per unit and month, ended when a newer forecast no longer says so or the
  month has begun and gone.

A kind is a finder plus the parameters it takes; the rest (one alert per situation, updates
while it grows, CAP, delivery) does not depend on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from liptako.auth.releasability import TLP_LEVELS, Viewer, may_see
from liptako.auth.rules import MEMBER_STATES, SECRETARIAT

KINDS: Final = ("fatalities", "events", "charter", "cluster", "forecast")
PLANNED_KINDS: Final[tuple[str, ...]] = ()
THRESHOLD_KINDS: Final = ("fatalities", "events")
SEVERITIES: Final = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
URGENCIES: Final = ("Immediate", "Expected", "Future", "Past", "Unknown")
CERTAINTIES: Final = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
ARTICLES: Final = ("6", "7")
MAX_DAYS: Final = 366
# what a kind's alerts say about the situation unless the rule says otherwise
DEFAULTS: Final = {
    "fatalities": ("Severe", "Expected", "Observed"),
    "events": ("Moderate", "Expected", "Observed"),
    "charter": ("Extreme", "Immediate", "Observed"),
    # a cluster is a statistical finding about observed events: likely, not observed
    "cluster": ("Severe", "Expected", "Likely"),
    # a forecast is about months to come, and only possible
    "forecast": ("Severe", "Future", "Possible"),
}
# the window a kind looks back over unless the rule says otherwise: a week of incidents, or
# for a cluster how recently the scan's study period must have ended (scans run monthly)
DEFAULT_DAYS: Final = {"fatalities": 7, "events": 7, "charter": 7, "cluster": 31,
                       "forecast": 31}
FORECAST_MONTHS: Final = 3
MAX_FORECAST_MONTHS: Final = 6
# the parameters of each kind a rule's update may change
TAKES: Final = {"fatalities": {"threshold", "days"}, "events": {"threshold", "days"},
                "charter": {"days"}, "cluster": {"p_value", "days"},
                "forecast": {"threshold", "probability", "months"}}
P_VALUE: Final = 0.05
MAX_P_VALUE: Final = 0.2
# who may see an alert delivered to a state's (or the secretariat's) channel: its officers
DELIVERY_ROLES: Final = ("liaison",)
ACK_ROLES: Final = ("liaison", "analyst")


def check_params(kind: str, params: Mapping[str, Any], units: Iterable[str]) -> dict[str, Any]:
    """A kind's parameters, complete and checked; ValueError naming the first bad one."""
    if kind in PLANNED_KINDS:
        raise ValueError(f"kind: {kind!r} waits for stored forecasts; "
                         f"expected one of {', '.join(KINDS)}")
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    days = _whole(params.get("days") or DEFAULT_DAYS[kind], "days", 1, MAX_DAYS)
    if kind == "cluster":
        p_value = params.get("p_value") or P_VALUE
        if isinstance(p_value, bool) or not isinstance(p_value, int | float) \
                or not 0 < p_value <= MAX_P_VALUE:
            raise ValueError(f"p_value: expected a number above 0 and at most {MAX_P_VALUE}, "
                             f"got {p_value!r}")
        return {"days": days, "p_value": float(p_value)}
    if kind == "forecast":
        return _forecast_params(params, days)
    if kind == "charter":
        articles = sorted({str(a) for a in params.get("articles") or ARTICLES})
        if not set(articles) <= set(ARTICLES):
            raise ValueError(f"articles: expected some of {', '.join(ARTICLES)}, got "
                             f"{', '.join(articles)}")
        return {"days": days, "articles": articles,
                "pact_id": str(params.get("pact_id") or "aes-2023")}
    threshold = _whole(params.get("threshold"), "threshold", 1, 1_000_000)
    area = params.get("area") or None
    if area is not None and area not in set(units):
        raise ValueError(f"area: expected the code of an admin-1 unit, got {area!r}")
    return {"days": days, "threshold": threshold, "area": area}


def _forecast_params(params: Mapping[str, Any], days: int) -> dict[str, Any]:
    threshold, probability = params.get("threshold"), params.get("probability")
    if (threshold is None) == (probability is None):
        raise ValueError("threshold/probability: a forecast rule takes one of them, expected "
                         "fatalities in a month or the probability of 25 or more")
    months = _whole(params.get("months") or FORECAST_MONTHS, "months", 1, MAX_FORECAST_MONTHS)
    if probability is not None:
        if isinstance(probability, bool) or not isinstance(probability, int | float) \
                or not 0 < probability <= 1:
            raise ValueError(f"probability: expected a number above 0 and at most 1, got "
                             f"{probability!r}")
        return {"days": days, "months": months, "probability": float(probability)}
    return {"days": days, "months": months,
            "threshold": _whole(threshold, "threshold", 1, 1_000_000)}


def forecast_reached(params: Mapping[str, Any], expected: float, p_exceed: float) -> bool:
    """Whether a unit's forecast for a month reaches a forecast rule's condition."""
    if params.get("probability") is not None:
        return p_exceed >= float(params["probability"])
    return expected >= float(params["threshold"])


def _whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name}: expected a whole number from {low} to {high}, got {value!r}")
    return int(value)


def check_level(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name}: expected one of {', '.join(allowed)}, got {value!r}")
    return value


def reached(kind: str, threshold: int, events: int, fatalities: int) -> bool:
    """Whether a unit's counts reach a threshold rule's threshold."""
    return (fatalities if kind == "fatalities" else events) >= threshold


def strictest(tlps: Iterable[str]) -> str:
    """The most restrictive of some TLP markings (CLEAR for none).

    >>> strictest(["GREEN", "AMBER", "CLEAR"])
    'AMBER'
    """
    return max(tlps, key=TLP_LEVELS.index, default="CLEAR")


Marking = tuple[str, str, str]
"""An incident's (tlp, originator, audience), as :mod:`liptako.auth.releasability` stores it."""


def readers(markings: Iterable[Marking]) -> tuple[str, ...]:
    """The member states and the secretariat whose officers may see every incident: those an
    alert built on them reaches (and whose page shows it)."""
    marks = list(markings)
    return tuple(code for code in (*MEMBER_STATES, SECRETARIAT)
                 if all(may_see(Viewer(None, code, DELIVERY_ROLES), *m) for m in marks))


def cap_scope(tlp: str, audience: tuple[str, ...]) -> tuple[str, str | None, str | None]:
    """CAP ``scope``, ``restriction`` and ``addresses`` for an alert's marking: Public only
    for TLP:CLEAR incidents, else Restricted with the rule and the audience named.

    >>> cap_scope("AMBER", ("MLI", "SEC"))[2]
    'MLI SEC'
    """
    if tlp == "CLEAR":
        return "Public", None, None
    names = ", ".join(audience)
    return ("Restricted",
            f"TLP:{tlp}. Releasable only to {names} (AES liptako users of these states and of "
            f"the secretariat); not for public channels.",
            " ".join(audience))


def acknowledge_problem(state: str, roles: Iterable[str], audience: Iterable[str]) -> str | None:
    """Why a user may not acknowledge an alert for its state (None when it may)."""
    if state not in MEMBER_STATES:
        return f"state: a member state acknowledges an alert, got {state}"
    if not set(roles) & set(ACK_ROLES):
        return f"role: expected one of {', '.join(ACK_ROLES)}"
    if state not in set(audience):
        return f"state: the alert is not addressed to {state}"
    return None


def situation_key(rule_id: int, subject: str) -> str:
    """The key of one situation of a rule: one current alert per key."""
    return f"rule:{rule_id}:{subject}"
