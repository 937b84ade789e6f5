"""The reconciliation: per state and per incident, what was owed (duty records), pledged and
delivered, and when. One row per (incident, state) that owed a duty, pledged or declined.

A pledge answers a request, and a request may cover several incidents: a pledge is shown on
the row of every incident its request covers. Quantities are those of the request's coverage
(:func:`rules.coverage`), need by need in the need's unit: on a row, what its state pledged,
had accepted and delivered; in the totals, by kind of need and unit, each pledge once.

Visibility: duties of incidents the viewer may see, pledges and declines of requests the
viewer may see, on the rows of the request's incidents the viewer may see; the others are only
counted (``hidden_incidents``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liptako.assistance import rules
from liptako.assistance.models import AssistanceRequest, Decline, Pledge
from liptako.assistance.queries import (
    item_lines,
    pledge_lines,
    sees_incident,
    visible_requests_clause,
)
from liptako.assistance.schemas import (
    KindQuantities,
    NeedQuantities,
    PledgeTrace,
    ReconciliationOut,
    ReconciliationRow,
    ReconciliationTotals,
)
from liptako.auth.releasability import Viewer
from liptako.obligations.models import Duty
from liptako.obligations.queries import visible_duties

Key = tuple[int, str]
Coverage = dict[int, dict[int, rules.ItemCoverage]]
"""Per request, per line item id: the need's coverage by every state."""


def _blank(incident_id: int, state: str) -> ReconciliationRow:
    return ReconciliationRow(
        incident_id=incident_id, state=state, beneficiary=None, pact_id=None, article=None,
        duty_id=None, duty_status=None, owed_since=None, discharged_at=None, requests=[],
        pledges=[], pledged=0, delivered=0, first_pledged_at=None, last_delivered_at=None,
        declined_at=None, decline_reason=None)


def _trace(p: Pledge) -> PledgeTrace:
    return PledgeTrace(request_id=p.request_id, pledge_id=p.id, line_item=p.item.position,
                       line_item_id=p.line_item_id, kind=p.item.kind, quantity=p.quantity,
                       unit=p.item.unit, status=p.status, pledged_at=p.pledged_at,
                       accepted_at=p.accepted_at, delivered_at=p.delivered_at,
                       delivered_quantity=p.delivered_quantity)


def _add_duty(rows: dict[Key, ReconciliationRow], duty: Duty) -> None:
    row = rows.setdefault((duty.incident_id, duty.owed_by), _blank(duty.incident_id, duty.owed_by))
    row.beneficiary, row.pact_id, row.article = duty.beneficiary, duty.pact_id, duty.article
    row.duty_id, row.duty_status, row.owed_since = duty.id, duty.status, duty.opened_at
    row.discharged_at = duty.closed_at if duty.status == "discharged" else None


def _add_request(rows: dict[Key, ReconciliationRow], hidden: set[Key],
                 request: AssistanceRequest, viewer: Viewer) -> None:
    for incident in request.incidents:
        if not sees_incident(viewer, incident):
            answered = [p.state for p in request.pledges] + [d.state for d in request.declines]
            hidden.update((incident.id, state) for state in answered)
            continue
        for p in request.pledges:
            row = rows.setdefault((incident.id, p.state), _blank(incident.id, p.state))
            row.pledges.append(_trace(p))
            row.beneficiary = row.beneficiary or request.requesting_state
            if request.id not in row.requests:
                row.requests.append(request.id)
        for d in request.declines:
            _add_decline(rows, incident.id, request, d)


def _add_decline(rows: dict[Key, ReconciliationRow], incident_id: int,
                 request: AssistanceRequest, decline: Decline) -> None:
    row = rows.setdefault((incident_id, decline.state), _blank(incident_id, decline.state))
    row.declined_at, row.decline_reason = decline.declined_at, decline.reason
    row.beneficiary = row.beneficiary or request.requesting_state
    if request.id not in row.requests:
        row.requests.append(request.id)


def _need(c: rules.ItemCoverage, request_id: int, gap: float) -> NeedQuantities:
    return NeedQuantities(request_id=request_id, line_item=c.item.position, kind=c.item.kind,
                          description=c.item.description, unit=c.item.unit,
                          requested=c.item.quantity, pledged=c.pledged, accepted=c.accepted,
                          delivered=c.delivered, gap=gap)


def _row_needs(row: ReconciliationRow, covered: Coverage) -> list[NeedQuantities]:
    """The needs the row's state pledged to, with its own pledged, accepted and delivered."""
    out = []
    for request_id in row.requests:
        items = covered[request_id]
        mine = [rules.PledgeLine(p.line_item_id, row.state, p.quantity, p.status,
                                 p.delivered_quantity)
                for p in row.pledges if p.request_id == request_id]
        out += [_need(c, request_id, items[c.item.id].gap)
                for c in rules.coverage([i.item for i in items.values()], mine)
                if c.pledging_states]
    return out


def _summarise(row: ReconciliationRow, covered: Coverage) -> None:
    live = [p for p in row.pledges if p.status in rules.LIVE_PLEDGES]
    delivered = [p for p in live if p.status == "delivered" and p.delivered_at]
    row.pledged, row.delivered = len(live), len(delivered)
    row.first_pledged_at = min((p.pledged_at for p in live), default=None)
    row.last_delivered_at = max((p.delivered_at for p in delivered if p.delivered_at),
                                default=None)
    row.requests.sort()
    row.needs = _row_needs(row, covered)


def _quantities(rows: Iterable[ReconciliationRow]) -> list[KindQuantities]:
    """By kind and unit, each state's pledge to a need once (a row per incident repeats it)."""
    needs = {(row.state, n.request_id, n.line_item): n for row in rows for n in row.needs}
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for n in needs.values():
        total = sums[(n.kind, n.unit)]
        total[0] += n.pledged
        total[1] += n.accepted
        total[2] += n.delivered
    return [KindQuantities(kind=kind, unit=unit, pledged=round(p, 6), accepted=round(a, 6),
                           delivered=round(d, 6))
            for (kind, unit), (p, a, d) in sorted(sums.items())]


def _totals(rows: list[ReconciliationRow]) -> ReconciliationTotals:
    out = ReconciliationTotals(quantities=_quantities(rows))
    for row in rows:
        if row.duty_id is not None:
            out.duties += 1
            status = row.duty_status or ""
            if status in ("open", "discharged", "lapsed"):
                setattr(out, status, getattr(out, status) + 1)
            if status == "open" and row.pledged == 0:
                out.owed_without_pledge += 1
        out.pledged += row.pledged
        out.delivered += row.delivered
        out.declined += row.declined_at is not None
    return out


def reconciliation(session: Session, viewer: Viewer, *, state: str | None = None,
                   incident_id: int | None = None) -> ReconciliationOut:
    """Owed, pledged and delivered per (incident, state), with totals per state and incident."""
    rows: dict[Key, ReconciliationRow] = {}
    hidden: set[Key] = set()
    for duty in visible_duties(session, viewer, incident_id=incident_id):
        _add_duty(rows, duty)
    requests = session.scalars(
        select(AssistanceRequest).where(visible_requests_clause(viewer),
                                        AssistanceRequest.status != "draft")
        .options(selectinload(AssistanceRequest.incidents),
                 selectinload(AssistanceRequest.items),
                 selectinload(AssistanceRequest.pledges).selectinload(Pledge.item),
                 selectinload(AssistanceRequest.declines))
        .order_by(AssistanceRequest.id))
    covered: Coverage = {}
    for request in requests:
        _add_request(rows, hidden, request, viewer)
        covered[request.id] = {c.item.id: c for c in rules.coverage(
            item_lines(request), pledge_lines(request.pledges))}
    kept = [r for key, r in sorted(rows.items())
            if (state is None or key[1] == state)
            and (incident_id is None or key[0] == incident_id)]
    by_state: dict[str, list[ReconciliationRow]] = defaultdict(list)
    by_incident: dict[int, list[ReconciliationRow]] = defaultdict(list)
    for row in kept:
        _summarise(row, covered)
        by_state[row.state].append(row)
        by_incident[row.incident_id].append(row)
    # under a filter on one incident, say nothing of others (nor whether that one is linked)
    unseen = {i for i, s in hidden if incident_id is None and state in (None, s)}
    shown = sorted({r for row in kept for r in row.requests})
    return ReconciliationOut(
        rows=kept, hidden_incidents=len(unseen),
        needs=[_need(c, r, c.gap) for r in shown for c in covered[r].values()],
        by_state={k: _totals(v) for k, v in sorted(by_state.items())},
        by_incident={k: _totals(v) for k, v in sorted(by_incident.items())})
