"""Evaluating the alert rules: situations found, alerts raised, updated and ended, each
message written as CAP and put in the outbox for the subscribed states, all in the caller's
transaction.

One current alert per situation (a rule and its subject: an admin-1 unit, an incident): a
situation found again with new incidents gets an Update message referencing the previous
one; found again unchanged, nothing; no longer found (the window slid past it, the rule was
switched off), its alert ends. Exercise incidents never raise alerts: an alert goes to real
receivers.

Evaluation runs in ``liptako alerts evaluate`` and, every ``LIPTAKO_ALERT_EVALUATE_SECONDS``,
in the worker ``liptako serve`` starts; it is not hooked into recording an incident, which
sits below this domain, so that a report or an import never waits for it and one evaluator at
a time raises alerts (see ``evaluate``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from liptako.alerts import rules, words
from liptako.alerts.area import admin1_areas, cap_polygons
from liptako.alerts.cap.write import Info, Message, write
from liptako.alerts.models import Alert, AlertMessage, AlertRule, Subscription
from liptako.audit import service as audit
from liptako.auth.releasability import audience_list, audience_text
from liptako.core import outbox
from liptako.incidents.models import Incident
from liptako.obligations.models import StoredDetermination

TARGET = "alert"


@dataclass(frozen=True)
class Issuer:
    """Who the messages say they come from, and where their links point."""

    sender: str
    site_url: str

    @classmethod
    def of(cls, site_url: str) -> Issuer:
        host = site_url.split("://", 1)[-1].split("/", 1)[0].split(":")[0] or "localhost"
        return cls(f"liptako@{host}", site_url.rstrip("/"))


@dataclass(frozen=True)
class Situation:
    """What a rule found: its key, area and the incidents behind it with their counts."""

    key: str
    area_code: str | None
    incident_ids: tuple[int, ...]
    events: int
    fatalities: int


@dataclass
class Report:
    """What one evaluation did."""

    rules: int = 0
    raised: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)
    deliveries: int = 0


def _real(since: dt.date, today: dt.date) -> tuple[Any, ...]:
    return (Incident.deleted_at.is_(None), Incident.exercise.is_(False),
            Incident.occurred_on >= since, Incident.occurred_on <= today)


def _window(rule: AlertRule, today: dt.date) -> tuple[Any, ...]:
    return _real(today - dt.timedelta(days=int(rule.params["days"]) - 1), today)


def _thresholds(session: Session, rule: AlertRule, today: dt.date) -> list[Situation]:
    """Each admin-1 unit whose events or fatalities in the window reach the threshold."""
    where = [*_window(rule, today), Incident.admin1_code.is_not(None)]
    if rule.params.get("area"):
        where.append(Incident.admin1_code == rule.params["area"])
    dead = func.coalesce(func.sum(func.coalesce(Incident.fatalities, 0)), 0)
    counts = session.execute(select(Incident.admin1_code, func.count(), dead).where(*where)
                             .group_by(Incident.admin1_code).order_by(Incident.admin1_code))
    found = []
    for code, events, fatalities in counts:
        if rules.reached(rule.kind, int(rule.params["threshold"]), events, int(fatalities)):
            ids = session.scalars(select(Incident.id).where(*where, Incident.admin1_code == code)
                                  .order_by(Incident.id))
            found.append(Situation(rules.situation_key(rule.id, f"unit:{code}"), code,
                                   tuple(ids), events, int(fatalities)))
    return found


def _engagements(session: Session, rule: AlertRule, today: dt.date) -> list[Situation]:
    """Each incident of the window whose stored determination engages one of the articles."""
    stored = StoredDetermination
    engaged = or_(*(stored.engaged.like(f"%,{a},%") for a in rule.params["articles"]))
    rows = session.execute(
        select(Incident.id, Incident.admin1_code, Incident.fatalities)
        .join(stored, stored.incident_id == Incident.id)
        .where(*_window(rule, today), stored.pact_id == rule.params["pact_id"], engaged)
        .order_by(Incident.id))
    return [Situation(rules.situation_key(rule.id, f"incident:{i}"), code, (i,), 1, dead or 0)
            for i, code, dead in rows]


# a kind's finder; "cluster" and "forecast" (rules.PLANNED_KINDS) get theirs here once hotspot
# results and forecasts are stored
FINDERS: dict[str, Callable[[Session, AlertRule, dt.date], list[Situation]]] = {
    "fatalities": _thresholds, "events": _thresholds, "charter": _engagements,
}


def evaluate(session: Session, *, now: dt.datetime, issuer: Issuer,
             actor: audit.Actor = audit.SYSTEM) -> Report:
    """Evaluate every active rule on ``now``'s day (UTC) and end the alerts of inactive ones.

    The rules are read locked (FOR UPDATE on PostgreSQL; SQLite's transaction holds the only
    write lock), so that two evaluations at once (the worker and the command) take turns
    rather than raise the same alert twice; an alert's ``situation`` is unique besides."""
    report = Report()
    for rule in session.scalars(select(AlertRule).order_by(AlertRule.id).with_for_update()):
        report.rules += rule.active
        found = FINDERS[rule.kind](session, rule, now.date()) if rule.active else []
        current = {a.situation: a for a in session.scalars(
            select(Alert).where(Alert.rule_id == rule.id, Alert.status == "current")
            .options(selectinload(Alert.incidents), selectinload(Alert.messages)))}
        for situation in found:
            alert = current.pop(situation.key, None)
            if alert is None:
                report.raised.append(raise_alert(session, rule, situation, now=now,
                                                 issuer=issuer, actor=actor, report=report))
            elif set(situation.incident_ids) - {i.id for i in alert.incidents}:
                update_alert(session, alert, situation, now=now, issuer=issuer, actor=actor,
                             report=report)
                report.updated.append(alert.id)
        for alert in current.values():
            end_alert(session, alert, now=now, actor=actor,
                      why="rule switched off" if not rule.active else "situation lapsed")
            report.ended.append(alert.id)
    return report


def _incidents(session: Session, ids: tuple[int, ...]) -> list[Incident]:
    return list(session.scalars(select(Incident).where(Incident.id.in_(ids))
                                .order_by(Incident.id)))


def _mark(alert: Alert) -> None:
    markings = [(i.tlp, i.originator, i.audience) for i in alert.incidents]
    alert.tlp = rules.strictest(m[0] for m in markings)
    alert.audience = audience_text(rules.readers(markings))


def raise_alert(session: Session, rule: AlertRule, situation: Situation, *, now: dt.datetime,
                issuer: Issuer, actor: audit.Actor, report: Report) -> int:
    """A new alert for a situation, its first message (Alert) and its deliveries."""
    area = admin1_areas().get(situation.area_code or "")
    incidents = _incidents(session, situation.incident_ids)
    alert = Alert(rule_id=rule.id, situation=situation.key, status="current",
                  area_code=situation.area_code, iso3=area.iso3 if area else incidents[0].iso3,
                  area_name=area.name if area else _place(incidents[0]),
                  events=situation.events, fatalities=situation.fatalities,
                  severity=rule.severity, urgency=rule.urgency, certainty=rule.certainty,
                  tlp="CLEAR", audience="", raised_at=now, updated_at=now, incidents=incidents)
    _mark(alert)
    session.add(alert)
    session.flush()
    message = issue(session, alert, rule, now=now, issuer=issuer, report=report)
    audit.record(session, actor=actor, action="alert.raise", target_type=TARGET,
                 target_id=alert.id, now=now, after=message.cap_xml,
                 detail={"rule": rule.id, "situation": situation.key,
                         "incidents": list(situation.incident_ids),
                         "message": message.identifier})
    return alert.id


def _place(incident: Incident) -> str:
    return incident.src_location or incident.admin1_name or f"{incident.lat}, {incident.lon}"


def update_alert(session: Session, alert: Alert, situation: Situation, *, now: dt.datetime,
                 issuer: Issuer, actor: audit.Actor, report: Report) -> None:
    """The situation grew: its new incidents join the alert, and an Update goes out."""
    have = {i.id for i in alert.incidents}
    new = [i for i in situation.incident_ids if i not in have]
    alert.incidents.extend(_incidents(session, tuple(new)))
    alert.events, alert.fatalities, alert.updated_at = situation.events, situation.fatalities, now
    _mark(alert)
    message = issue(session, alert, alert.rule, now=now, issuer=issuer, report=report)
    audit.record(session, actor=actor, action="alert.update", target_type=TARGET,
                 target_id=alert.id, now=now, after=message.cap_xml,
                 detail={"new_incidents": new, "message": message.identifier,
                         "references": alert.messages[-2].identifier})


def end_alert(session: Session, alert: Alert, *, now: dt.datetime, actor: audit.Actor,
              why: str) -> None:
    """The situation is over: the alert stays on record, no longer current."""
    alert.status, alert.situation, alert.ended_at, alert.updated_at = "ended", None, now, now
    audit.record(session, actor=actor, action="alert.end", target_type=TARGET,
                 target_id=alert.id, now=now, detail={"why": why})
    session.flush()


def _facts(alert: Alert, rule: AlertRule, update: bool) -> words.Facts:
    params = rule.params
    return words.Facts(kind=rule.kind, area=alert.area_name, days=int(params["days"]),
                       threshold=params.get("threshold"), events=alert.events,
                       fatalities=alert.fatalities, articles=tuple(params.get("articles", ())),
                       update=update)


def cap_message(alert: Alert, rule: AlertRule, *, identifier: str, now: dt.datetime,
                issuer: Issuer, previous: AlertMessage | None) -> Message:
    """The CAP message of an alert as it stands now."""
    facts = _facts(alert, rule, previous is not None)
    audience = tuple(audience_list(alert.audience))
    scope, restriction, addresses = rules.cap_scope(alert.tlp, audience)
    code = alert.area_code
    return Message(
        identifier=identifier, sender=issuer.sender, sent=now,
        msg_type="Update" if previous else "Alert", scope=scope, restriction=restriction,
        addresses=addresses, tlp=alert.tlp,
        references=((previous.sender, previous.identifier, previous.sent_at),) if previous
        else (), incidents=tuple(i.id for i in alert.incidents), urgency=alert.urgency,
        severity=alert.severity, certainty=alert.certainty,
        expires=now + dt.timedelta(days=int(rule.params["days"])),
        web=f"{issuer.site_url}/alerts/{alert.id}",
        infos=tuple(Info(words.CAP_LANGUAGE[lang], words.EVENT[lang],
                         words.headline(facts, lang), words.description(facts, lang),
                         words.instruction(lang), words.SENDER_NAME[lang])
                    for lang in words.LANGUAGES),
        parameters=(("liptako-rule", f"{rule.id} {rule.name}"), ("liptako-alert", str(alert.id)),
                    ("events", str(alert.events)), ("fatalities", str(alert.fatalities)),
                    ("days", str(rule.params["days"]))),
        area_desc=alert.area_name, polygons=cap_polygons(code) if code else (),
        geocodes=tuple((k, v) for k, v in (("liptako-admin1", code), ("ISO3166-1", alert.iso3))
                       if v))


def issue(session: Session, alert: Alert, rule: AlertRule, *, now: dt.datetime,
          issuer: Issuer, report: Report) -> AlertMessage:
    """Write the alert's next CAP message and put it in the outbox of every active
    subscription of a state (or the secretariat) whose officers may see the alert."""
    previous = alert.messages[-1] if alert.messages else None
    identifier = f"urn:uuid:{uuid.uuid4()}"
    cap = cap_message(alert, rule, identifier=identifier, now=now, issuer=issuer,
                      previous=previous)
    message = AlertMessage(alert_id=alert.id, seq=(previous.seq + 1) if previous else 1,
                           identifier=identifier, sender=issuer.sender, msg_type=cap.msg_type,
                           sent_at=now, cap_xml=write(cap))
    alert.messages.append(message)
    session.flush()
    readers = set(audience_list(alert.audience))
    for sub in session.scalars(select(Subscription).where(Subscription.active.is_(True))
                               .order_by(Subscription.id)):
        if sub.state in readers:
            _enqueue(session, sub, message, cap, now=now)
            report.deliveries += 1
    return message


def _enqueue(session: Session, sub: Subscription, message: AlertMessage, cap: Message, *,
             now: dt.datetime) -> None:
    key = f"liptako-alert-{message.identifier.rsplit(':', 1)[-1]}-s{sub.id}"
    topic = f"alert_message:{message.id}"
    if sub.channel == "webhook":
        outbox.enqueue(session, channel="webhook", destination=sub.target,
                       payload=message.cap_xml, idempotency_key=key, topic=topic, now=now,
                       options={"content_type": "application/cap+xml; charset=utf-8",
                                "secret": sub.secret or ""})
        return
    info = next(i for i in cap.infos if i.language == words.CAP_LANGUAGE[sub.language])
    mail = EmailMessage()
    mail["Subject"] = info.headline
    mail.set_content(f"{info.description}\n\n{info.instruction}\n\n{cap.web}\n")
    mail.add_attachment(message.cap_xml.encode("utf-8"), maintype="application",
                        subtype="cap+xml", filename=f"liptako-alert-{message.alert_id}-"
                                                    f"{message.seq}.cap.xml")
    outbox.enqueue(session, channel="email", destination=sub.target, payload=mail.as_string(),
                   idempotency_key=key, topic=topic, now=now)


def sentences(alert: Alert, lang: str) -> tuple[str, str]:
    """The headline and description of the alert's latest message in a language (what the
    pages and the feed show)."""
    facts = _facts(alert, alert.rule, len(alert.messages) > 1)
    return words.headline(facts, lang), words.description(facts, lang)
