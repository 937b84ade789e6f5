"""Assistance requests at every step of the workflow, on incidents that engage Art. 6."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from factories.auth import CAST
from factories.incidents import report
from liptako.assistance import edxl, pledging, voting
from liptako.assistance import service as assistance
from liptako.assistance.models import AssistanceRequest, Pledge
from liptako.assistance.presidency import presidency_on
from liptako.assistance.schemas import PledgeIn, RequestIn
from liptako.audit import service as audit
from liptako.auth.models import User
from liptako.incidents.models import Incident
from liptako.incidents.schemas import IncidentIn
from liptako.obligations import service as obligations
from liptako.obligations.recording import record_report

NOW = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
CAPITALS = {"MLI": (12.64, -8.0), "BFA": (12.37, -1.52), "NER": (13.51, 2.11)}
LIAISONS = {"MLI": "amadou_mli_liaison", "BFA": "ibrahim_bfa_liaison", "NER": "moussa_ner_liaison"}
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def caller(user: User) -> assistance.Caller:
    return assistance.Caller(audit.Actor(user.id, user.username, user.state), tuple(user.roles))


def presidency_liaison(on: dt.date) -> str:
    """The cast member who is the presidency's liaison officer on ``on``."""
    return LIAISONS[presidency_on(on)]


def attacked(session: Session, state: str, *, now: dt.datetime = NOW, **overrides: Any,
             ) -> Incident:
    """An armed attack by a hostile state on ``state``'s capital: Art. 6 engaged at once, with
    duties owed by the two other parties."""
    return attacks(session, [state], now=now, **overrides)[0]


def attacks(session: Session, states: list[str], *, now: dt.datetime = NOW, **overrides: Any,
            ) -> list[Incident]:
    """One attack per state, evaluated in one batch."""
    made = []
    for state in states:
        lat, lon = CAPITALS[state]
        payload = IncidentIn.model_validate(report(**{
            "occurred_on": "2026-11-20", "location": {"lat": lat, "lon": lon},
            "perpetrator": {"kind": "international_organization"},
            "target": {"kind": "territory"}, "description": f"Attack on {state}", **overrides}))
        made.append(record_report(session, payload, actor=audit.Actor(None, "seed", state),
                                    state=state, pact_ids=(), now=now))
    obligations.evaluate_incidents(session, made, pact_ids=("aes-2023",), actor=audit.SYSTEM,
                                   now=now)
    return made


def item(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "air_support", "description": "Close air support sorties", "quantity": 12,
        "unit": "sorties", "place": "Ménaka", "lat": 15.92, "lon": 2.40,
        "starts_at": "2026-11-28T06:00:00+00:00", "ends_at": "2026-12-10T18:00:00+00:00",
        "priority": 1}
    body.update(overrides)
    return body


def request_body(incident_ids: list[int], *, deadline: dt.datetime | None = None,
                 **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Attack on the capital: request for assistance",
        "situation": "Armed attack by a hostile coalition; the capital's air defence is "
                     "overwhelmed.",
        "article": "6", "incident_ids": incident_ids,
        "deadline_at": (deadline or NOW + 2 * DAY).isoformat(),
        "items": [item(), item(kind="medical_evacuation", description="Medevac helicopters",
                                quantity=2, unit="helicopters", priority=2, lat=None,
                                lon=None, place="Bamako", ends_at=None),
                  item(kind="humanitarian_relief", description="Food rations", quantity=300,
                       unit="tonnes", priority=3, place="Mopti", lat=None, lon=None)]}
    body.update(overrides)
    return body


def file(session: Session, user: User, incidents: list[Incident], *, now: dt.datetime = NOW,
         **overrides: Any) -> AssistanceRequest:
    payload = RequestIn.model_validate(request_body([i.id for i in incidents],
                                                    deadline=now + 2 * DAY, **overrides))
    return assistance.file_request(session, payload, caller=caller(user), now=now)


def opened(session: Session, cast: dict[str, User], incidents: list[Incident], *,
           now: dt.datetime = NOW, requester: str = "MLI", **overrides: Any,
           ) -> AssistanceRequest:
    """Filed, submitted and opened for pledges."""
    made = file(session, cast[LIAISONS[requester]], incidents, now=now, **overrides)
    assistance.submit(session, made.id, caller=caller(made_by(cast, requester)), now=now)
    assistance.open_request(session, made.id, caller=caller(cast["sec"]), now=now)
    return made


def made_by(cast: dict[str, User], state: str) -> User:
    return cast[LIAISONS[state]]


def offer(session: Session, cast: dict[str, User], request: AssistanceRequest, state: str, *,
          position: int = 1, quantity: float = 4, now: dt.datetime = NOW) -> Pledge:
    line = request.items[position - 1]
    return pledging.pledge(session, request.id, PledgeIn(
        line_item_id=line.id, quantity=quantity, available_from=now + DAY,
        description=f"{state} contribution", note="crews included"),
        caller=caller(made_by(cast, state)), now=now)


def decided(session: Session, cast: dict[str, User], incidents: list[Incident], *,
            now: dt.datetime = NOW, votes: dict[str, str] | None = None,
            ) -> tuple[AssistanceRequest, list[Pledge]]:
    """Opened, pledged by BFA and NER (accepted), voted and decided (adopted by default)."""
    made = opened(session, cast, incidents, now=now)
    pledges = [offer(session, cast, made, "BFA", now=now), offer(session, cast, made, "NER",
                                                                  position=2, quantity=1,
                                                                  now=now)]
    for p in pledges:
        pledging.accept_pledge(session, made.id, p.id, caller=caller(made_by(cast, "MLI")),
                               now=now)
    president = caller(cast[presidency_liaison(now.date())])
    voting.convene_vote(session, made.id, vote_deadline_at=now + DAY, caller=president, now=now)
    for state, value in (votes or {"BFA": "yes", "MLI": "yes", "NER": "yes"}).items():
        voting.cast_vote(session, made.id, value=value, caller=caller(made_by(cast, state)),
                         now=now)
    voting.record_decision(session, made.id, caller=president, now=now)
    return made, pledges


def convened(session: Session, cast: dict[str, User], incidents: list[Incident], *,
             now: dt.datetime = NOW) -> AssistanceRequest:
    made = opened(session, cast, incidents, now=now)
    voting.convene_vote(session, made.id, vote_deadline_at=now + DAY,
                        caller=caller(cast["sec"]), now=now)
    return made


def delivering(session: Session, cast: dict[str, User], incidents: list[Incident], *,
               now: dt.datetime = NOW) -> tuple[AssistanceRequest, list[Pledge]]:
    made, pledges = decided(session, cast, incidents, now=now)
    assistance.start_delivery(session, made.id, caller=caller(made_by(cast, "MLI")), now=now)
    return made, pledges


def seed_assistance(session: Session, cast: dict[str, User]) -> dict[str, int]:
    """Requests at each step for the authorisation matrix, timed on the wall clock (the
    routes use it). Keys: ``incident:<state>``, ``draft:<state>``, one name per step, and
    ``<name>.pledge<n>`` / ``<name>.item`` / ``<name>.decline`` for the records below them.

    The matrix runs its rows in order on the same records, so one request serves rows that
    do not disturb each other: ``submitted`` is opened by the secretariat, then withdrawn by
    Mali; ``adopted`` starts delivery, has a pledge delivered, then is closed."""
    now = dt.datetime.now(dt.UTC) - HOUR
    ids: dict[str, int] = {}
    incidents = dict(zip(CAPITALS, attacks(session, list(CAPITALS), now=now), strict=True))
    mli = [incidents["MLI"]]
    for state, incident in incidents.items():
        ids[f"incident:{state}"] = incident.id
        ids[f"draft:{state}"] = file(session, made_by(cast, state), [incident], now=now).id
    submitted = file(session, made_by(cast, "MLI"), mli, now=now)
    assistance.submit(session, submitted.id, caller=caller(made_by(cast, "MLI")), now=now)
    ids["submitted"] = submitted.id
    exported = opened(session, cast, mli, now=now)
    ids["exported"], ids["exported.item"] = exported.id, exported.items[0].id
    for n, state in enumerate(("NER", "NER", "NER", "BFA"), start=1):
        ids[f"exported.pledge{n}"] = offer(session, cast, exported, state, now=now).id
    ids["convenable"] = opened(session, cast, mli, now=now).id
    ids["voting"] = convened(session, cast, mli, now=now).id
    ids["voting.decline"] = pledging.decline(
        session, ids["voting"], reason="Assets committed elsewhere",
        caller=caller(made_by(cast, "NER")), now=now).id
    decidable = convened(session, cast, mli, now=now)
    for state in ("BFA", "MLI", "NER"):
        voting.cast_vote(session, decidable.id, value="yes",
                         caller=caller(made_by(cast, state)), now=now)
    ids["decidable"] = decidable.id
    adopted, pledges = decided(session, cast, mli, now=now)
    ids["adopted"], ids["adopted.pledge1"] = adopted.id, pledges[0].id
    return ids


def _get(session: Session, request_id: int) -> AssistanceRequest:
    found = session.get(AssistanceRequest, request_id)
    assert found is not None
    return found


# --- the authorisation matrix: request bodies and path ids per caller --------------------------

def _wall() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def president_today() -> str:
    return presidency_liaison(_wall().date())


def member_state(caller_name: str) -> str:
    """The caller's state when it is a party, else MLI (whose records everyone may see)."""
    state = CAST.get(caller_name, ("MLI", []))[0]
    return state if state in CAPITALS else "MLI"


def matrix_params(ids: dict[str, int], extra: dict[str, Any], caller_name: str,
                  ) -> dict[str, int]:
    """``{"request": "draft:*"}`` picks the caller's own draft; ``pledge``/``decline`` name a
    record under the request."""
    name = str(extra["request"])
    if name.endswith(":*"):
        name = f"{name[:-2]}:{member_state(caller_name)}"
    params = {"request_id": ids[name]}
    for key in ("pledge", "decline"):
        if key in extra:
            params[f"{key}_id"] = ids[str(extra[key])]
    return params


def matrix_request(ids: dict[str, int], caller_name: str) -> dict[str, Any]:
    incident = ids[f"incident:{member_state(caller_name)}"]
    return request_body([incident], deadline=_wall() + 2 * DAY)


def matrix_pledge(ids: dict[str, int]) -> dict[str, Any]:
    return {"line_item_id": ids["exported.item"], "quantity": 2,
            "available_from": (_wall() + DAY).isoformat(), "description": "Two transport aircraft"}


def matrix_deadline() -> dict[str, Any]:
    return {"vote_deadline_at": (_wall() + DAY).isoformat()}


def matrix_import(ids: dict[str, int], caller_name: str) -> dict[str, Any]:
    """A RequestResource of the caller's state, as an EDXL-RM JSON wrapper."""
    state, now = member_state(caller_name), _wall()
    item = edxl.Item("item-1", "logistics", "Fuel trucks", 10, "trucks", "Gao", None, None,
                     now + DAY, None, 2)
    msg = edxl.RequestMessage(
        assistance.new_message_id(), now, state, "aes-2023", "6", "Fuel for the front",
        "Supply lines cut.", now + 2 * DAY, "AMBER", (ids[f"incident:{state}"],), (item,))
    return {"message": edxl.request_resource(msg).decode()}
