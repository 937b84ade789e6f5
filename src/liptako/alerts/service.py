"""Alert use cases: rules (the secretariat), acknowledgements (the member states),
subscriptions (each state's administrators). Each checks who may act, changes the records,
records one audit entry and flushes; the caller owns the transaction. Raising and updating
alerts is :mod:`liptako.alerts.evaluate`."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liptako.alerts import rules
from liptako.alerts.area import admin1_areas
from liptako.alerts.evaluate import end_alert
from liptako.alerts.models import Acknowledgement, Alert, AlertRule, Subscription
from liptako.alerts.queries import get_alert, get_rule
from liptako.alerts.schemas import RuleIn, RulePatch, SubscriptionIn
from liptako.assistance.service import Caller
from liptako.audit import service as audit
from liptako.auth.releasability import audience_list
from liptako.auth.rules import SECRETARIAT, state_admin_refusal
from liptako.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation


def _secretariat(caller: Caller, action: str) -> None:
    if "secretariat" not in caller.roles or caller.state != SECRETARIAT:
        raise PermissionDenied(f"{action}: expected a member of the secretariat, got a "
                               f"{caller.state} {'/'.join(caller.roles)}")


def _params(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    try:
        return rules.check_params(kind, values, admin1_areas())
    except ValueError as exc:
        raise RuleViolation(str(exc)) from None


def _snapshot(rule: AlertRule) -> dict[str, Any]:
    return {"name": rule.name, "kind": rule.kind, "params": rule.params, "active": rule.active,
            "severity": rule.severity, "urgency": rule.urgency, "certainty": rule.certainty}


def create_rule(session: Session, payload: RuleIn, *, caller: Caller,
                now: dt.datetime) -> AlertRule:
    """The secretariat adds a rule; the next evaluation applies it."""
    _secretariat(caller, "alert rule")
    params = _params(payload.kind, payload.model_dump(include={"threshold", "days", "area",
                                                               "articles", "p_value",
                                                               "probability", "months"}))
    severity, urgency, certainty = rules.DEFAULTS[payload.kind]
    rule = AlertRule(name=payload.name, kind=payload.kind, params=params,
                     severity=payload.severity or severity, urgency=payload.urgency or urgency,
                     certainty=payload.certainty or certainty, active=True,
                     created_by=caller.actor.id, created_at=now, updated_at=now)
    session.add(rule)
    session.flush()
    audit.record(session, actor=caller.actor, action="alert_rule.create",
                 target_type="alert_rule", target_id=rule.id, now=now, after=_snapshot(rule))
    return rule


def update_rule(session: Session, rule_id: int, payload: RulePatch, *, caller: Caller,
                now: dt.datetime) -> AlertRule:
    """The secretariat changes a rule's name, thresholds or levels, or switches it off (its
    current alerts end) or on again."""
    _secretariat(caller, "alert rule")
    rule = get_rule(session, rule_id)
    before = _snapshot(rule)
    changes = payload.model_dump(exclude_none=True)
    changed = {k: changes[k] for k in ("threshold", "days", "p_value", "probability", "months")
               if k in changes}
    foreign = sorted(changed.keys() - rules.TAKES[rule.kind])
    if foreign:
        raise RuleViolation(f"{foreign[0]}: a {rule.kind} rule takes "
                            f"{', '.join(sorted(rules.TAKES[rule.kind]))}")
    if changed:
        rule.params = _params(rule.kind, {**rule.params, **changed})
    for name in ("name", "active", "severity", "urgency", "certainty"):
        if name in changes:
            setattr(rule, name, changes[name])
    rule.updated_at = now
    if payload.active is False:
        for alert in session.scalars(select(Alert).where(Alert.rule_id == rule.id,
                                                         Alert.status == "current")):
            end_alert(session, alert, now=now, actor=caller.actor, why="rule switched off")
    session.flush()
    audit.record(session, actor=caller.actor, action="alert_rule.update",
                 target_type="alert_rule", target_id=rule.id, now=now, before=before,
                 after=_snapshot(rule))
    return rule


def acknowledge(session: Session, alert_id: int, *, caller: Caller, note: str | None,
                now: dt.datetime) -> Acknowledgement:
    """A member state's liaison officer or analyst acknowledges the alert for the state, as
    of its latest message (again after an update)."""
    alert = get_alert(session, caller.viewer, alert_id)
    problem = rules.acknowledge_problem(caller.state, caller.roles, audience_list(alert.audience))
    if problem:
        raise PermissionDenied(f"acknowledge: {problem}")
    latest = alert.messages[-1].seq
    ack = next((a for a in alert.acknowledgements if a.state == caller.state), None)
    if ack is not None and ack.seq >= latest:
        raise Conflict(f"alert {alert.id}: {caller.state} acknowledged it already "
                       f"({ack.username}, {ack.acknowledged_at.isoformat()})")
    if ack is None:
        ack = Acknowledgement(alert_id=alert.id, state=caller.state)
        alert.acknowledgements.append(ack)
    ack.user_id, ack.username, ack.seq = caller.actor.id or 0, caller.actor.name, latest
    ack.note, ack.acknowledged_at = (note or "").strip()[:500] or None, now
    session.flush()
    audit.record(session, actor=caller.actor, action="alert.acknowledge", target_type="alert",
                 target_id=alert.id, now=now, detail={"state": caller.state, "seq": latest,
                                                      "note": ack.note})
    return ack


def _admin_for(caller: Caller, state: str) -> None:
    problem = state_admin_refusal(caller.roles, caller.state, state)
    if problem:
        raise PermissionDenied(f"subscription: {problem}")


def list_subscriptions(session: Session, caller: Caller) -> list[Subscription]:
    """The subscriptions an administrator manages: its state's (every one for the
    secretariat's)."""
    _admin_for(caller, caller.state)
    stmt = select(Subscription).order_by(Subscription.state, Subscription.id)
    if caller.state != SECRETARIAT:
        stmt = stmt.where(Subscription.state == caller.state)
    return list(session.scalars(stmt))


def create_subscription(session: Session, payload: SubscriptionIn, *, caller: Caller,
                        now: dt.datetime) -> tuple[Subscription, str | None]:
    """An administrator subscribes its state (the secretariat's: any) to the alerts its
    officers may see; a webhook gets a new shared secret, returned here only."""
    state = payload.state or caller.state
    _admin_for(caller, state)
    secret = secrets.token_urlsafe(32) if payload.channel == "webhook" else None
    target = payload.target if payload.channel == "webhook" else \
        ",".join(a.strip() for a in payload.target.split(","))
    sub = Subscription(state=state, channel=payload.channel, target=target, secret=secret,
                       language=payload.language, active=True, created_by=caller.actor.id,
                       created_at=now)
    session.add(sub)
    session.flush()
    audit.record(session, actor=caller.actor, action="alert_subscription.create",
                 target_type="alert_subscription", target_id=sub.id, now=now,
                 detail={"state": state, "channel": sub.channel, "target": target,
                         "language": sub.language})
    return sub, secret


def disable_subscription(session: Session, subscription_id: int, *, caller: Caller,
                         now: dt.datetime) -> Subscription:
    """Stop delivering to a subscription (messages already in the outbox still go)."""
    sub = session.get(Subscription, subscription_id)
    if sub is None or (caller.state != SECRETARIAT and sub.state != caller.state):
        raise NotFound(f"subscription {subscription_id}: not found")
    _admin_for(caller, sub.state)
    if not sub.active:
        raise Conflict(f"subscription {sub.id}: already disabled")
    sub.active, sub.disabled_at = False, now
    session.flush()
    audit.record(session, actor=caller.actor, action="alert_subscription.disable",
                 target_type="alert_subscription", target_id=sub.id, now=now)
    return sub
