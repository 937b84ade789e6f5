"""Intelligence exchange in STIX 2.1: the bundle of what the caller may see, and the import
of a partner's bundle."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from liptako.core.clock import Moment, utcnow
from liptako.intel.schemas import BundleIn, ImportOut
from liptako.intel.service import registry as effective_registry
from liptako.intel.stix import MEDIA_TYPE_STIX
from liptako.intel.stix_export import dumps
from liptako.intel.stix_import import InvalidBundle, import_bundle
from liptako.intel.stix_store import WRITER_ROLES
from liptako.obligations.stix_publish import export_bundle
from liptako.web.deps import SessionDep
from liptako.web.security import CurrentPrincipal, Principal, require_roles

router = APIRouter(tags=["intelligence"])
Writer = Annotated[Principal, Depends(require_roles(*WRITER_ROLES))]
ActorId = Annotated[str | None, Query(alias="actor", max_length=64, pattern=r"^[a-z][a-z0-9_.]*$",
                                      description="only what is about this registry actor "
                                                  "(e.g. jnim), and what it refers to")]
Since = Annotated[Moment | None, Query(description="only objects added after this time "
                                                  "(RFC 3339, with its offset)")]


@router.get("/stix/bundle", response_class=Response, responses={200: {
    "content": {MEDIA_TYPE_STIX: {}, "application/json": {}},
    "description": "A STIX 2.1 bundle"}})
def get_bundle(request: Request, principal: CurrentPrincipal, session: SessionDep,
               actor: ActorId = None, since: Since = None) -> Response:
    """The latest version of every STIX object the caller may read (liptako's own, brought
    up to date first, and partners'), with the marking definitions they use: sorted, the
    same bytes when nothing changed. `application/json` when asked for it (`Accept`)."""
    bundle = export_bundle(session, principal.viewer, registry=effective_registry(session),
                           by=principal.actor, now=utcnow(), actor_id=actor, since=since)
    accept = request.headers.get("accept", "")
    json_only = "application/json" in accept and "stix+json" not in accept
    return Response(dumps(bundle), media_type="application/json" if json_only
                    else MEDIA_TYPE_STIX)


@router.post("/stix/bundle", response_model=ImportOut)
def post_bundle(body: BundleIn, principal: Writer, session: SessionDep) -> ImportOut | Response:
    """Import a partner's STIX 2.1 bundle (analysts, liaison officers, the secretariat): each
    new version stored with the caller's state as originator, under its TLP marking (AMBER
    when it has none); actors merged with the registry. Any error of the OASIS validator
    refuses the whole bundle (422, `errors` naming each object), and nothing is stored."""
    try:
        result = import_bundle(session, body.model_dump(), sender=principal.actor,
                               viewer=principal.viewer, registry=effective_registry(session),
                               channel="api", now=utcnow())
    except InvalidBundle as refused:
        errors = [{"field": m.split(": ", 1)[0] if ": " in m else "objects",
                   "message": m.split(": ", 1)[-1]} for m in refused.messages]
        return JSONResponse({"code": refused.code, "detail": refused.detail, "errors": errors},
                            status_code=422)
    return ImportOut.model_validate(result.as_dict())
