"""Reports: the weekly situation report's mailing lists, which administrators manage (their
state's; the secretariat's, every state's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from liptako.core.clock import utcnow
from liptako.reports import weekly
from liptako.reports.schemas import ReportSubscriptionIn, ReportSubscriptionOut
from liptako.web.deps import RecordId, SessionDep
from liptako.web.security import Principal, caller, require_roles

router = APIRouter(tags=["reports"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]


@router.get("/report-subscriptions", response_model=list[ReportSubscriptionOut])
def list_subscriptions(principal: Admin, session: SessionDep) -> list[ReportSubscriptionOut]:
    """The weekly report's lists the caller manages (its state's; every one for the
    secretariat)."""
    return [ReportSubscriptionOut.model_validate(s)
            for s in weekly.list_subscriptions(session, caller(principal))]


@router.post("/report-subscriptions", response_model=ReportSubscriptionOut,
             status_code=status.HTTP_201_CREATED)
def create_subscription(body: ReportSubscriptionIn, principal: Admin,
                        session: SessionDep) -> ReportSubscriptionOut:
    """Send a state's weekly situation report to e-mail addresses, built with what one of
    its accounts may see."""
    return ReportSubscriptionOut.model_validate(weekly.create_subscription(
        session, body, caller=caller(principal), now=utcnow()))


@router.post("/report-subscriptions/{subscription_id}/disable",
             response_model=ReportSubscriptionOut)
def disable_subscription(subscription_id: RecordId, principal: Admin,
                         session: SessionDep) -> ReportSubscriptionOut:
    """Stop sending the weekly report to a list."""
    return ReportSubscriptionOut.model_validate(weekly.disable_subscription(
        session, subscription_id, caller=caller(principal), now=utcnow()))
