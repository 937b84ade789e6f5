"""Alerts: the rules the secretariat manages, the alerts they raise as JSON, CAP 1.2 and an
Atom feed, the member states' acknowledgements, and the subscriptions administrators manage.

Every read goes through the alerts' visibility (a reader sees an alert only when it may see
every incident behind it): an alert the caller may not see is 404, in JSON, CAP and the feed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import Response

from liptako.alerts import queries, service
from liptako.alerts.atom import Entry, feed
from liptako.alerts.evaluate import sentences
from liptako.alerts.schemas import (
    AckIn,
    AckOut,
    AlertOut,
    AlertSummary,
    RuleIn,
    RuleOut,
    RulePatch,
    SubscriptionIn,
    SubscriptionMade,
    SubscriptionOut,
)
from liptako.core.clock import utcnow
from liptako.web.deps import RecordId, SessionDep, SettingsDep
from liptako.web.security import CurrentPrincipal, Principal, caller, require_roles

router = APIRouter(tags=["alerts"])
CAP_TYPE = "application/cap+xml"
ATOM_TYPE = "application/atom+xml"
Secretariat = Annotated[Principal, Depends(require_roles("secretariat"))]
Admin = Annotated[Principal, Depends(require_roles("admin"))]
Officer = Annotated[Principal, Depends(require_roles("liaison", "analyst"))]


@router.get("/alert-rules", response_model=list[RuleOut])
def list_rules(_principal: CurrentPrincipal, session: SessionDep) -> list[RuleOut]:
    """Every rule, active first: what the Alliance watches for."""
    return [RuleOut.model_validate(r) for r in queries.list_rules(session)]


@router.post("/alert-rules", response_model=RuleOut, status_code=status.HTTP_201_CREATED)
def create_rule(body: RuleIn, principal: Secretariat, session: SessionDep) -> RuleOut:
    """Add a rule (the secretariat); the next evaluation applies it."""
    return RuleOut.model_validate(service.create_rule(session, body, caller=caller(principal),
                                                      now=utcnow()))


@router.patch("/alert-rules/{rule_id}", response_model=RuleOut)
def update_rule(rule_id: RecordId, body: RulePatch, principal: Secretariat,
                session: SessionDep) -> RuleOut:
    """Change a rule, or switch it off (its current alerts end) or on."""
    return RuleOut.model_validate(service.update_rule(session, rule_id, body,
                                                      caller=caller(principal), now=utcnow()))


@router.get("/alerts", response_model=list[AlertSummary])
def list_alerts(principal: CurrentPrincipal, session: SessionDep,
                status_: Annotated[str | None, Query(alias="status",
                                                     pattern="^(current|ended)$")] = None,
                limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE)] = 100,
                ) -> list[AlertSummary]:
    """Alerts the caller may see, the latest change first."""
    return [AlertSummary.model_validate(a) for a in
            queries.list_alerts(session, principal.viewer, status=status_, limit=limit)]


@router.get("/alerts.atom", response_class=Response,
            responses={200: {"content": {ATOM_TYPE: {}}, "description": "Atom feed"}})
def atom_feed(principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep,
              lang: Annotated[str | None, Query(pattern="^(fr|en)$")] = None) -> Response:
    """Current alerts the caller may see, as an Atom feed whose entries link to their CAP
    documents."""
    language = lang or principal.user.locale or "fr"
    site = settings.site_url
    entries = []
    for alert in queries.list_alerts(session, principal.viewer, status="current",
                                     limit=queries.MAX_PAGE):
        title, summary = sentences(alert, language)
        entries.append(Entry(cap_url=f"{site}/api/v1/alerts/{alert.id}.cap",
                             page_url=f"{site}/alerts/{alert.id}", title=title,
                             summary=summary, severity=alert.severity,
                             published=alert.raised_at, updated=alert.updated_at))
    title = "liptako : alertes en cours" if language == "fr" else "liptako: current alerts"
    body = feed(entries, self_url=f"{site}/api/v1/alerts.atom", title=title, updated=utcnow(),
                lang=language)
    return Response(body, media_type=ATOM_TYPE)


@router.get("/alerts/{alert_id:int}.cap", response_class=Response,
            responses={200: {"content": {CAP_TYPE: {}}, "description": "CAP 1.2 alert"}})
def alert_cap(alert_id: RecordId, principal: CurrentPrincipal, session: SessionDep) -> Response:
    """The alert's latest CAP 1.2 message (an Update references the one before it)."""
    alert = queries.get_alert(session, principal.viewer, alert_id)
    message = alert.messages[-1]
    return Response(message.cap_xml, media_type=CAP_TYPE, headers={
        "content-disposition": f'inline; filename="liptako-alert-{alert.id}-{message.seq}.cap"'})


@router.get("/alerts/{alert_id:int}", response_model=AlertOut)
def get_alert(alert_id: RecordId, principal: CurrentPrincipal, session: SessionDep,
              settings: SettingsDep) -> AlertOut:
    """One alert: its incidents, messages and each member state's acknowledgement."""
    return queries.alert_out(queries.get_alert(session, principal.viewer, alert_id),
                             settings.site_url)


@router.post("/alerts/{alert_id:int}/acknowledgements", response_model=AckOut,
             status_code=status.HTTP_201_CREATED)
def acknowledge(alert_id: RecordId, body: AckIn, principal: Officer,
                session: SessionDep) -> AckOut:
    """Acknowledge the alert for the caller's state (a liaison officer or an analyst)."""
    ack = service.acknowledge(session, alert_id, caller=caller(principal), note=body.note,
                              now=utcnow())
    return AckOut(state=ack.state, addressed=True, acknowledged_at=ack.acknowledged_at,
                  acknowledged_by=ack.username, as_of_seq=ack.seq, note=ack.note)


@router.get("/alert-subscriptions", response_model=list[SubscriptionOut])
def list_subscriptions(principal: Admin, session: SessionDep) -> list[SubscriptionOut]:
    """The subscriptions the caller manages (its state's; every one for the secretariat)."""
    return [SubscriptionOut.model_validate(s)
            for s in service.list_subscriptions(session, caller(principal))]


@router.post("/alert-subscriptions", response_model=SubscriptionMade,
             status_code=status.HTTP_201_CREATED)
def create_subscription(body: SubscriptionIn, principal: Admin,
                        session: SessionDep) -> SubscriptionMade:
    """Subscribe a state to its alerts by webhook or e-mail; a webhook's shared secret is
    in this answer only."""
    sub, secret = service.create_subscription(session, body, caller=caller(principal),
                                              now=utcnow())
    return SubscriptionMade.model_validate({**SubscriptionOut.model_validate(sub).model_dump(),
                                            "secret": secret})


@router.post("/alert-subscriptions/{subscription_id}/disable", response_model=SubscriptionOut)
def disable_subscription(subscription_id: RecordId, principal: Admin,
                         session: SessionDep) -> SubscriptionOut:
    return SubscriptionOut.model_validate(service.disable_subscription(
        session, subscription_id, caller=caller(principal), now=utcnow()))
