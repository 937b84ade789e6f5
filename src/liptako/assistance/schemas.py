"""What the assistance API accepts and returns."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from liptako.assistance.rules import LINE_KINDS
from liptako.core.clock import Moment
from liptako.obligations.schemas import DutyOut

LineKind = Literal[LINE_KINDS]  # type: ignore[valid-type]
Article = Literal["5", "6", "7"]
RequestTlp = Literal["GREEN", "AMBER", "AMBER+STRICT", "RED"]
VoteValue = Literal["yes", "no", "abstain"]


class Strict(BaseModel):
    """Input: no unknown field, and no value of another JSON type taken for the declared one
    (``false`` for a number, ``1`` for a boolean, ``"5"`` for a count)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class LineItemIn(Strict):
    """One need: what (kind, description), how much (quantity, unit), where, when, priority."""

    kind: LineKind
    description: str = Field(min_length=1, max_length=500)
    quantity: float = Field(gt=0, le=1e9)
    unit: str = Field(min_length=1, max_length=32, examples=["troops", "sorties", "tonnes"])
    place: str = Field(min_length=1, max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    starts_at: Moment
    ends_at: Moment | None = None
    priority: int = Field(default=2, ge=1, le=3, description="1 most urgent, 3 least")

    @model_validator(mode="after")
    def _consistent(self) -> LineItemIn:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat/lon: expected both or neither")
        if self.ends_at is not None and self.ends_at < self.starts_at:
            raise ValueError(f"ends_at: expected a time on or after starts_at "
                             f"({self.starts_at.isoformat()}), got {self.ends_at.isoformat()}")
        return self


class RequestIn(Strict):
    """A request for assistance invoking an article of the pact on one or more incidents.

    The requesting state is the caller's; the audience is always every party and the
    secretariat (all of them take part in the workflow), only the TLP can be chosen.
    """

    title: str = Field(min_length=3, max_length=200, pattern=r"^[^\r\n]+$")
    situation: str = Field(min_length=1, max_length=10_000)
    pact_id: str = Field(default="aes-2023", pattern=r"^[a-z0-9-]{1,32}$")
    article: Article
    incident_ids: list[int] = Field(min_length=1, max_length=50)
    deadline_at: Moment = Field(description="answers (pledges or declines) are due by")
    tlp: RequestTlp = "AMBER"
    items: list[LineItemIn] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _unique_incidents(self) -> RequestIn:
        if len(set(self.incident_ids)) != len(self.incident_ids):
            raise ValueError("incident_ids: expected each incident once")
        return self


class PledgeIn(Strict):
    """An offer against one line item; the pledging state is always the caller's."""

    line_item_id: int
    quantity: float = Field(gt=0, le=1e9)
    available_from: Moment
    description: str = Field(min_length=1, max_length=500)
    note: str | None = Field(default=None, max_length=5000)


class DeclineIn(Strict):
    reason: str = Field(min_length=3, max_length=5000)


class ReasonIn(Strict):
    reason: str | None = Field(default=None, max_length=500)


class WithdrawIn(Strict):
    reason: str = Field(min_length=3, max_length=500)


class ConveneIn(Strict):
    vote_deadline_at: Moment


class VoteIn(Strict):
    value: VoteValue


class DeliveryIn(Strict):
    """The requesting state confirms what arrived; defaults: the full quantity, now.

    A delivery is dated between its pledge and now; more than was pledged needs
    ``over_delivery`` set, so that a typing slip cannot inflate what a state delivered.
    """

    delivered_quantity: float | None = Field(default=None, gt=0, le=1e9)
    delivered_at: Moment | None = None
    over_delivery: bool = Field(default=False,
                                description="confirm a delivered quantity above the pledge")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LineItemOut(Out):
    id: int
    position: int
    kind: str
    description: str
    quantity: float
    unit: str
    place: str
    lat: float | None
    lon: float | None
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    priority: int


class PledgeOut(Out):
    id: int
    line_item_id: int
    state: str
    quantity: float
    available_from: dt.datetime
    description: str
    note: str | None
    status: str
    pledged_at: dt.datetime
    accepted_at: dt.datetime | None
    delivered_at: dt.datetime | None
    delivered_quantity: float | None
    closed_reason: str | None
    message_id: str
    source: str


class DeclineOut(Out):
    id: int
    state: str
    reason: str
    declined_at: dt.datetime


class VoteOut(Out):
    state: str
    value: str
    cast_at: dt.datetime


class DecisionOut(Out):
    outcome: str
    rule: str
    pact_id: str
    pact_version: str
    policy: dict[str, str | bool]
    votes: dict[str, str]
    reasons: list[str]
    decided_at: dt.datetime
    convened_by: str
    recorded_by_state: str


class ReminderOut(Out):
    kind: str
    state: str
    subject: str
    due_at: dt.datetime
    sent_at: dt.datetime
    escalated_to: str | None
    escalated_at: dt.datetime | None


DutyRef = DutyOut  # a request lists its linked duties exactly as the duties API shows them


class RequestSummary(Out):
    id: int
    message_id: str
    requesting_state: str
    pact_id: str
    article: str
    title: str
    status: str
    deadline_at: dt.datetime
    tlp: str
    exercise: bool = Field(description="invokes exercise incidents: not a real request")
    created_at: dt.datetime
    updated_at: dt.datetime


class RequestOut(RequestSummary):
    situation: str
    source: str
    originator: str
    audience: list[str]
    submitted_at: dt.datetime | None
    convened_at: dt.datetime | None
    convened_by: str | None
    vote_deadline_at: dt.datetime | None
    closed_at: dt.datetime | None
    withdraw_reason: str | None
    incident_ids: list[int] = Field(description="the incidents invoked that you may see")
    hidden_incidents: int = Field(default=0, description="incidents invoked that you may not "
                                  "see: neither their ids nor their duties are shown")
    duties: list[DutyRef] = Field(description="linked duties on incidents you may see")
    hidden_duties: int = Field(default=0,
                               description="linked duties on incidents you may not see")
    items: list[LineItemOut]
    pledges: list[PledgeOut]
    declines: list[DeclineOut]
    votes: list[VoteOut]
    decision: DecisionOut | None
    reminders: list[ReminderOut]
    waiting_for: list[str] = Field(description="parties yet to pledge or decline")


class EventOut(Out):
    at: dt.datetime
    action: str
    actor_name: str
    actor_state: str | None
    detail: dict[str, object] | None
    audit_seq: int


class ItemCoverageOut(BaseModel):
    line_item_id: int
    position: int
    kind: str
    description: str
    unit: str
    priority: int
    requested: float
    pledged: float
    accepted: float
    delivered: float
    gap: float
    undelivered: float
    ratio: float
    pledging_states: list[str]


class CoverageOut(BaseModel):
    request_id: int
    status: str
    items: list[ItemCoverageOut]
    gaps: list[ItemCoverageOut]
    waiting_for: list[str]
    declined: list[str]


class PledgeTrace(BaseModel):
    """One pledge as the reconciliation shows it."""

    request_id: int
    pledge_id: int
    line_item: int
    line_item_id: int
    kind: str
    quantity: float
    unit: str
    status: str
    pledged_at: dt.datetime
    accepted_at: dt.datetime | None
    delivered_at: dt.datetime | None
    delivered_quantity: float | None


class NeedQuantities(BaseModel):
    """One need of a request in its unit: requested, pledged, accepted and delivered, and the
    gap that no live pledge covers yet (as the request's coverage counts them)."""

    request_id: int
    line_item: int = Field(description="the need's position in its request")
    kind: str
    description: str
    unit: str
    requested: float
    pledged: float = Field(description="live pledges: of every state for the report's "
                           "needs, of the row's state for a row's")
    accepted: float
    delivered: float
    gap: float = Field(description="what no live pledge of any state covers yet")


class KindQuantities(BaseModel):
    """What was pledged, accepted and delivered of one kind of need in one unit."""

    kind: str
    unit: str
    pledged: float
    accepted: float
    delivered: float


class ReconciliationRow(BaseModel):
    """What one state owed, pledged and delivered on one incident, and when."""

    incident_id: int
    state: str
    beneficiary: str | None
    pact_id: str | None
    article: str | None
    duty_id: int | None
    duty_status: str | None
    owed_since: dt.datetime | None
    discharged_at: dt.datetime | None
    requests: list[int]
    pledges: list[PledgeTrace]
    pledged: int
    delivered: int
    first_pledged_at: dt.datetime | None
    last_delivered_at: dt.datetime | None
    declined_at: dt.datetime | None
    decline_reason: str | None
    needs: list[NeedQuantities] = Field(
        default_factory=list, description="the needs the state pledged to, in quantities "
        "(``pledged`` and ``delivered`` above count pledges)")


class ReconciliationTotals(BaseModel):
    duties: int = 0
    open: int = 0
    discharged: int = 0
    lapsed: int = 0
    pledged: int = 0
    delivered: int = 0
    declined: int = 0
    owed_without_pledge: int = 0
    quantities: list[KindQuantities] = Field(
        default_factory=list, description="pledged, accepted and delivered by kind of need "
        "and unit, each pledge once")


class ReconciliationOut(BaseModel):
    rows: list[ReconciliationRow]
    needs: list[NeedQuantities] = Field(default_factory=list,
                                        description="the needs of the rows' requests")
    hidden_incidents: int = Field(default=0, description="incidents you may not see that the "
                                  "shown requests invoke; their rows are left out")
    by_state: dict[str, ReconciliationTotals]
    by_incident: dict[int, ReconciliationTotals]
