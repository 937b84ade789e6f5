"""Reports: a situation report for the caller, and the weekly report's mailing lists, which
administrators manage (their state's; the secretariat's, every state's)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status
from starlette.responses import Response

from liptako.core.clock import utcnow
from liptako.reports import weekly
from liptako.reports.schemas import ReportSubscriptionIn, ReportSubscriptionOut
from liptako.web import sitrep
from liptako.web.deps import RecordId, SessionDep
from liptako.web.security import CurrentPrincipal, Principal, caller, require_roles

router = APIRouter(tags=["reports"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]


@router.get("/reports/sitrep", response_class=Response, responses={200: {
    "content": {"application/pdf": {}, "text/html": {}},
    "description": "The situation report, an attachment; its TLP in X-Liptako-TLP"}})
def get_sitrep(principal: CurrentPrincipal, session: SessionDep,
               period: Annotated[str, Query(description="2019-07 (a month), 2019 (a year), "
                                            "2019-07-15 (a day), or two joined by ':'")],
               country: Annotated[str, Query(description="all, BFA, MLI or NER")] = "all",
               language: Annotated[Literal["fr", "en"], Query()] = "fr",
               fmt: Annotated[Literal["pdf", "html"], Query(alias="format")] = "pdf",
               ) -> Response:
    """A situation report for a period and an area with what the caller may see: figures
    and their trend, map, charts, the most serious incidents, the Charter and assistance,
    alerts, hotspots, forecasts, sources; the most restricted TLP on every page; audited."""
    built = sitrep.build(session, principal, period=period, country=country,
                         language=language, fmt=fmt)
    return sitrep.response(built)


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
