"""Evaluating the alert rules: situations found, alerts raised, updated and ended, each
message written as CAP and put in the outbox for the subscribed states, all in the caller's
transaction.

One current alert per situation (a rule and its subject: an admin-1 unit, an incident, the
centre of a hotspot cluster, a unit and month forecast; :mod:`liptako.alerts.finders` finds
them): a situation found again with new incidents (or, for a forecast, other figures) gets an
Update message referencing the previous one; found again unchanged, nothing; no longer found
(the window slid past it, the rule was switched off), its alert ends. Exercise incidents
never raise alerts: an alert goes to real receivers.

Evaluation runs in ``liptako alerts evaluate`` and, every ``LIPTAKO_ALERT_EVALUATE_SECONDS``,
in the worker ``liptako serve`` starts; it is not hooked into recording an incident, which
sits below this domain, so that a report or an import never waits for it and one evaluator at
a time raises alerts (see ``evaluate``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liptako.alerts import finders, rules, words
from liptako.alerts.area import admin1_areas, alert_polygons, scan_units, units_name
from liptako.alerts.cap.write import Info, Message, write
from liptako.alerts.finders import Situation
from liptako.alerts.models import Alert, AlertMessage, AlertRule, Subscription
from liptako.audit import service as audit
from liptako.auth.releasability import audience_list, audience_text
from liptako.core import outbox
from liptako.incidents.models import Incident

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


@dataclass
class Report:
    """What one evaluation did."""

    rules: int = 0
    raised: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)
    deliveries: int = 0


def evaluate(session: Session, *, now: dt.datetime, issuer: Issuer,
             actor: audit.Actor = audit.SYSTEM) -> Report:
    """Evaluate every active rule on ``now``'s day (UTC) and end the alerts of inactive ones.

    The rules are read locked (FOR UPDATE on PostgreSQL; SQLite's transaction holds the only
    write lock), so that two evaluations at once (the worker and the command) take turns
    rather than raise the same alert twice; an alert's ``situation`` is unique besides."""
    report = Report()
    for rule in session.scalars(select(AlertRule).order_by(AlertRule.id).with_for_update()):
        report.rules += rule.active
        found = finders.FINDERS[rule.kind](session, rule, now.date()) if rule.active else []
        current = {a.situation: a for a in session.scalars(
            select(Alert).where(Alert.rule_id == rule.id, Alert.status == "current")
            .options(selectinload(Alert.incidents), selectinload(Alert.messages)))}
        for situation in found:
            alert = current.pop(situation.key, None)
            if alert is None:
                report.raised.append(raise_alert(session, rule, situation, now=now,
                                                 issuer=issuer, actor=actor, report=report))
            elif set(situation.incident_ids) - {i.id for i in alert.incidents} or \
                    finders.figures(situation.detail) != finders.figures(alert.detail):
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
    if alert.detail and alert.detail.get("marking"):  # what the finding itself is marked
        markings.append(tuple(alert.detail["marking"]))
    alert.tlp = rules.strictest(m[0] for m in markings)
    alert.audience = audience_text(rules.readers(markings))


def raise_alert(session: Session, rule: AlertRule, situation: Situation, *, now: dt.datetime,
                issuer: Issuer, actor: audit.Actor, report: Report) -> int:
    """A new alert for a situation, its first message (Alert) and its deliveries."""
    incidents = _incidents(session, situation.incident_ids)
    iso3, name = _where(situation, incidents[0] if incidents else None)
    alert = Alert(rule_id=rule.id, situation=situation.key, status="current",
                  area_code=situation.area_code, units=list(situation.units) or None,
                  iso3=iso3, area_name=name, detail=situation.detail or None,
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


def _where(situation: Situation, first: Incident | None) -> tuple[str | None, str]:
    """The country and name of a situation's area: its cluster's centre unit, its admin-1
    unit, or else the place of its first incident."""
    if situation.units:
        return scan_units()[situation.units[0]].iso3, units_name(situation.units)
    area = admin1_areas().get(situation.area_code or "")
    if area is not None or first is None:
        return (area.iso3, area.name) if area else (None, situation.key)
    return first.iso3, first.src_location or first.admin1_name or f"{first.lat}, {first.lon}"


def update_alert(session: Session, alert: Alert, situation: Situation, *, now: dt.datetime,
                 issuer: Issuer, actor: audit.Actor, report: Report) -> None:
    """The situation grew: its new incidents join the alert, and an Update goes out."""
    have = {i.id for i in alert.incidents}
    new = [i for i in situation.incident_ids if i not in have]
    alert.incidents.extend(_incidents(session, tuple(new)))
    alert.events, alert.fatalities, alert.updated_at = situation.events, situation.fatalities, now
    if situation.units:  # the next scan may find the cluster wider, or its figures changed
        alert.units, alert.detail = list(situation.units), situation.detail
        alert.area_name = units_name(situation.units)
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
                       update=update, detail=alert.detail or {})


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
                    ("days", str(rule.params["days"])), *_kind_parameters(alert)),
        area_desc=alert.area_name, polygons=alert_polygons(code, alert.units),
        geocodes=_geocodes(alert))


def _kind_parameters(alert: Alert) -> tuple[tuple[str, str], ...]:
    """A cluster's or a forecast's figures, as CAP parameters."""
    d = alert.detail
    if not d:
        return ()
    if "month" in d:
        return (("forecast-month", d["month"]), ("forecast-expected", str(d["expected"])),
                ("forecast-interval-80", f"{d['low']}/{d['high']}"),
                ("forecast-p-exceed", f"{d['p_exceed']} ({d['exceed']} or more)"))
    return (("cluster-period", f"{d['starts_on']}/{d['ends_on']}"),
            ("cluster-expected", str(d["expected"])),
            ("cluster-relative-risk", "inf" if d["relative_risk"] is None
             else str(d["relative_risk"])),
            ("cluster-p-value", str(d["p_value"])))


def _geocodes(alert: Alert) -> tuple[tuple[str, str], ...]:
    """The admin-1 unit, or each unit of a cluster, and each country the area touches."""
    if alert.units:
        units = scan_units()
        countries = dict.fromkeys(units[c].iso3 for c in alert.units if c in units)
        return (*(("liptako-unit", c) for c in alert.units),
                *(("ISO3166-1", iso3) for iso3 in countries))
    return tuple((k, v) for k, v in (("liptako-admin1", alert.area_code),
                                      ("ISO3166-1", alert.iso3)) if v)


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
