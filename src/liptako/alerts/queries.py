"""Read side of alerting: an alert is visible only to a reader who may see every incident
behind it (the one releasability predicate, :func:`liptako.auth.releasability.visible_clause`,
over all of them), in lists, pages, CAP documents and the feed alike."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import Session, selectinload

from liptako.alerts.models import Alert, AlertRule, alert_incident
from liptako.alerts.schemas import AckOut, AlertOut, AlertSummary, MessageOut
from liptako.auth.releasability import Viewer, audience_list, visible_clause
from liptako.auth.rules import MEMBER_STATES
from liptako.core.errors import NotFound
from liptako.incidents.models import Incident

MAX_PAGE = 500
STATUSES = ("current", "ended")


def visible_alerts_clause(viewer: Viewer) -> ColumnElement[bool]:
    """The alerts a viewer may see, as a WHERE clause: built on at least one incident, and on
    none the viewer may not see."""
    linked = alert_incident.c.alert_id == Alert.id
    hidden = (select(alert_incident.c.alert_id)
              .join(Incident, Incident.id == alert_incident.c.incident_id)
              .where(linked, ~visible_clause(viewer, Incident)))
    return and_(exists().where(linked), ~exists(hidden))


def list_alerts(session: Session, viewer: Viewer, *, status: str | None = None,
                limit: int = 100) -> list[Alert]:
    """Visible alerts, the latest change first."""
    stmt = select(Alert).where(visible_alerts_clause(viewer))
    if status:
        stmt = stmt.where(Alert.status == status)
    stmt = stmt.order_by(Alert.updated_at.desc(), Alert.id.desc()).limit(min(limit, MAX_PAGE))
    return list(session.scalars(stmt.options(selectinload(Alert.messages),
                                             selectinload(Alert.rule))))


def get_alert(session: Session, viewer: Viewer, alert_id: int) -> Alert:
    """One visible alert with its incidents, messages and acknowledgements."""
    found = session.scalar(select(Alert).where(Alert.id == alert_id,
                                               visible_alerts_clause(viewer))
                           .options(selectinload(Alert.incidents),
                                    selectinload(Alert.messages),
                                    selectinload(Alert.acknowledgements),
                                    selectinload(Alert.rule)))
    if found is None:
        raise NotFound(f"alert {alert_id}: not found")
    return found


def board(alert: Alert) -> list[AckOut]:
    """Each member state: whether the alert is addressed to it, and its acknowledgement."""
    addressed = set(audience_list(alert.audience))
    acks = {a.state: a for a in alert.acknowledgements}
    out = []
    for state in MEMBER_STATES:
        ack = acks.get(state)
        out.append(AckOut(state=state, addressed=state in addressed,
                          acknowledged_at=ack.acknowledged_at if ack else None,
                          acknowledged_by=ack.username if ack else None,
                          as_of_seq=ack.seq if ack else None, note=ack.note if ack else None))
    return out


def alert_out(alert: Alert, site_url: str) -> AlertOut:
    """The full record as the API returns it (to a reader who may see all of it)."""
    return AlertOut.model_validate({
        **AlertSummary.model_validate(alert).model_dump(),
        "audience": audience_list(alert.audience),
        "incident_ids": [i.id for i in alert.incidents],
        "messages": [MessageOut.model_validate(m) for m in alert.messages],
        "acknowledgements": board(alert),
        "cap_url": f"{site_url}/api/v1/alerts/{alert.id}.cap"})


def list_rules(session: Session) -> list[AlertRule]:
    return list(session.scalars(select(AlertRule).order_by(AlertRule.active.desc(),
                                                           AlertRule.id)))


def get_rule(session: Session, rule_id: int) -> AlertRule:
    found = session.get(AlertRule, rule_id)
    if found is None:
        raise NotFound(f"alert rule {rule_id}: not found")
    return found
