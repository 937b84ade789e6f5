"""Pure rules of the assistance workflow: the state machine, who may act, coverage and gaps.

Every function takes plain values and returns plain values or a :class:`Refusal` (a stable code,
its values, and a sentence saying what was expected and what was found); the services turn
refusals into domain errors, and the pages say them in their reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from liptako.auth.rules import SECRETARIAT
from liptako.core.errors import Refusal

STATUSES = ("draft", "submitted", "open_for_pledges", "decided", "in_delivery", "closed",
            "withdrawn")
LINE_KINDS = ("air_support", "isr_intelligence", "troops", "medical_evacuation", "logistics",
              "humanitarian_relief", "other")
PLEDGE_STATUSES = ("pledged", "accepted", "declined_by_requester", "delivered", "withdrawn")
LIVE_PLEDGES = ("pledged", "accepted", "delivered")
ARTICLES = ("5", "6", "7")

# (status, action) -> next status: the only moves of a request
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submit"): "submitted",
    ("submitted", "open"): "open_for_pledges",
    ("open_for_pledges", "decide"): "decided",
    ("decided", "start_delivery"): "in_delivery",
    ("decided", "close"): "closed",
    ("in_delivery", "close"): "closed",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "withdraw"): "withdrawn",
    ("open_for_pledges", "withdraw"): "withdrawn",
    ("decided", "withdraw"): "withdrawn",
}

# actions that leave the status as it is, and the statuses they are allowed in
STAYS: dict[str, tuple[str, ...]] = {
    "pledge": ("submitted", "open_for_pledges"),
    "decline": ("submitted", "open_for_pledges"),
    "withdraw_pledge": ("submitted", "open_for_pledges", "decided"),
    "accept_pledge": ("submitted", "open_for_pledges", "decided"),
    "refuse_pledge": ("submitted", "open_for_pledges", "decided"),
    "convene": ("open_for_pledges",),
    "vote": ("open_for_pledges",),
    "confirm_delivery": ("in_delivery",),
}

VERBS = {
    "submit": "submit it", "open": "open it for pledges", "decide": "record a decision",
    "start_delivery": "start delivery", "close": "close it", "withdraw": "withdraw it",
    "pledge": "pledge", "decline": "decline", "withdraw_pledge": "withdraw a pledge",
    "accept_pledge": "accept a pledge", "refuse_pledge": "refuse a pledge",
    "convene": "convene a vote", "vote": "vote", "confirm_delivery": "confirm a delivery",
}

REQUESTER_ONLY = ("submit", "withdraw", "accept_pledge", "refuse_pledge", "confirm_delivery")
REQUESTER_OR_SECRETARIAT = ("start_delivery", "close")
SECRETARIAT_ONLY = ("open",)
RESPONDERS = ("pledge", "decline")
PRESIDENCY = ("convene", "decide")


def label(status: str) -> str:
    """``open_for_pledges`` -> ``open for pledges``."""
    return status.replace("_", " ")


def _either(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def allowed_in(action: str) -> tuple[str, ...]:
    """The statuses from which ``action`` may be taken."""
    if action in STAYS:
        return STAYS[action]
    return tuple(s for s in STATUSES if (s, action) in TRANSITIONS)


def step_problem(request_id: int, status: str, action: str) -> Refusal | None:
    """Why ``action`` cannot be taken on a request in ``status`` (None when it can).

    >>> step_problem(12, "decided", "pledge").detail
    'request 12 is decided: expected submitted or open for pledges to pledge'
    """
    allowed = allowed_in(action)
    if not allowed:
        raise ValueError(f"action: expected one of {', '.join(VERBS)}, got {action!r}")
    if status in allowed:
        return None
    return Refusal("request_status",
                   f"request {request_id} is {label(status)}: expected "
                   f"{_either([label(s) for s in allowed])} to {VERBS[action]}",
                   {"request_id": request_id, "status": status, "action": action,
                    "allowed": allowed})


def next_status(status: str, action: str) -> str:
    """The status after ``action`` (the same status for actions that do not move it)."""
    return TRANSITIONS.get((status, action), status)


def _who(state: str, roles: Iterable[str]) -> str:
    return f"a {state} {'/'.join(sorted(roles)) or 'user'}"


def permission_problem(action: str, *, state: str, roles: Iterable[str], requesting_state: str,
                       presidency: str | None = None, owner_state: str | None = None,
                       ) -> Refusal | None:
    """Why a caller of ``state`` with ``roles`` may not take ``action`` (None when it may).

    A liaison officer acts only for its own state; the secretariat opens requests for pledges,
    may start delivery and close on the requester's behalf, and may convene and record votes
    on behalf of the presidency.
    """
    roles = tuple(roles)
    liaison, sec = "liaison" in roles, state == SECRETARIAT and "secretariat" in roles
    caller = _who(state, roles)
    if action in REQUESTER_ONLY or action in REQUESTER_OR_SECRETARIAT:
        if liaison and state == requesting_state:
            return None
        if sec and action in REQUESTER_OR_SECRETARIAT:
            return None
        either = action in REQUESTER_OR_SECRETARIAT
        extra = " or the secretariat" if either else ""
        return Refusal("requester_or_secretariat" if either else "requester_only",
                       f"{action}: expected a liaison officer of {requesting_state} (the "
                       f"requesting state){extra}, got {caller}",
                       {"action": action, "requesting_state": requesting_state})
    if action in SECRETARIAT_ONLY:
        return None if sec else Refusal("secretariat_only",
                                        f"{action}: expected the secretariat, got {caller}",
                                        {"action": action})
    if action in RESPONDERS and liaison and state == requesting_state:
        return Refusal("own_request", f"{action}: {state} is the requesting state; it answers "
                       "no request of its own", {"action": action, "state": state})
    if action in RESPONDERS or action == "vote":
        return None if liaison else Refusal(
            "liaison_only", f"{action}: expected a liaison officer, got {caller}",
            {"action": action})
    if action == "withdraw_pledge":
        if liaison and state == owner_state:
            return None
        return Refusal("pledge_owner_only",
                       f"{action}: expected a liaison officer of {owner_state}, got {caller}",
                       {"action": action, "owner_state": owner_state})
    if action in PRESIDENCY:
        if (liaison and state == presidency) or sec:
            return None
        return Refusal("presidency_only",
                       f"{action}: expected a liaison officer of {presidency} (the presidency) "
                       f"or the secretariat on its behalf, got {caller}",
                       {"action": action, "presidency": presidency})
    raise ValueError(f"action: expected one of {', '.join(VERBS)}, got {action!r}")


@dataclass(frozen=True)
class ItemLine:
    """A line item as plain values."""

    id: int
    position: int
    kind: str
    description: str
    quantity: float
    unit: str
    priority: int


@dataclass(frozen=True)
class PledgeLine:
    """A pledge as plain values."""

    line_item_id: int
    state: str
    quantity: float
    status: str
    delivered_quantity: float | None = None


@dataclass(frozen=True)
class ItemCoverage:
    """Requested, pledged, accepted and delivered for one line item, in its unit."""

    item: ItemLine
    pledged: float
    accepted: float
    delivered: float
    pledging_states: tuple[str, ...]

    @property
    def gap(self) -> float:
        """What no live pledge covers yet."""
        return round(max(0.0, self.item.quantity - self.pledged), 6)

    @property
    def undelivered(self) -> float:
        """Accepted but not (yet) delivered."""
        return round(max(0.0, self.accepted - self.delivered), 6)

    @property
    def ratio(self) -> float:
        """Pledged over requested (1.0 = fully covered by offers)."""
        return round(self.pledged / self.item.quantity, 4)


def coverage(items: Sequence[ItemLine], pledges: Iterable[PledgeLine]) -> list[ItemCoverage]:
    """Per item: live pledges count as pledged; accepted and delivered ones as accepted."""
    sums = {i.id: [0.0, 0.0, 0.0] for i in items}
    states: dict[int, set[str]] = {i.id: set() for i in items}
    for p in pledges:
        if p.line_item_id not in sums or p.status not in LIVE_PLEDGES:
            continue
        total = sums[p.line_item_id]
        total[0] += p.quantity
        states[p.line_item_id].add(p.state)
        if p.status in ("accepted", "delivered"):
            total[1] += p.quantity
        if p.status == "delivered":
            total[2] += p.delivered_quantity if p.delivered_quantity is not None else p.quantity
    return [ItemCoverage(i, round(sums[i.id][0], 6), round(sums[i.id][1], 6),
                         round(sums[i.id][2], 6), tuple(sorted(states[i.id])))
            for i in sorted(items, key=lambda i: i.position)]


def gap_list(covered: Iterable[ItemCoverage]) -> list[ItemCoverage]:
    """Items not fully covered by pledges: most urgent first, then the largest shortfall."""
    open_items = [c for c in covered if c.gap > 0]
    return sorted(open_items, key=lambda c: (c.item.priority, c.ratio, c.item.position))


def silent_parties(parties: Iterable[str], requesting_state: str,
                   answered: Iterable[str]) -> tuple[str, ...]:
    """Parties other than the requester that have neither pledged nor declined."""
    done = set(answered) | {requesting_state}
    return tuple(sorted(p for p in parties if p not in done))


REMINDER_LEAD = dt.timedelta(hours=24)
DELIVERY_GRACE = dt.timedelta(hours=72)


@dataclass(frozen=True)
class Due:
    """A reminder owed to ``state``: raised from ``remind_from``, escalated from ``due_at``."""

    kind: str
    state: str
    remind_from: dt.datetime
    due_at: dt.datetime
    subject: str = ""

    def raised(self, now: dt.datetime) -> bool:
        return now >= self.remind_from

    def overdue(self, now: dt.datetime) -> bool:
        return now >= self.due_at


def answers_due(status: str, deadline_at: dt.datetime,
                silent: Iterable[str]) -> list[Due]:
    """Parties that have not answered (pledge or decline) by the request's deadline."""
    if status not in STAYS["pledge"]:
        return []
    return [Due("answer_due", s, deadline_at - REMINDER_LEAD, deadline_at) for s in silent]


def votes_due(status: str, vote_deadline_at: dt.datetime | None, missing: Iterable[str],
              presidency: str) -> list[Due]:
    """Parties that have not voted by the vote's deadline; once all have, the presidency."""
    if status != "open_for_pledges" or vote_deadline_at is None:
        return []
    start = vote_deadline_at - REMINDER_LEAD
    waiting = [Due("vote_due", s, start, vote_deadline_at) for s in missing]
    return waiting or [Due("decision_due", presidency, start, vote_deadline_at)]


def deliveries_due(status: str,
                   accepted: Iterable[tuple[int, str, dt.datetime]]) -> list[Due]:
    """Accepted pledges (id, state, available from) not delivered once they were available."""
    if status not in ("decided", "in_delivery"):
        return []
    return [Due("delivery_due", state, available, available + DELIVERY_GRACE, f"pledge:{pid}")
            for pid, state, available in accepted]
