"""TAXII 2.1 under /taxii2/: discovery, one API root, the audiences' collections, objects,
manifests, versions, and POST with a status resource.

Authenticated with the API's bearer tokens. A collection of another audience is refused
(403); an object the caller may not see is absent, exactly as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from liptako.core.clock import utcnow
from liptako.core.errors import NotFound
from liptako.intel import taxii
from liptako.intel.service import registry
from liptako.intel.stix_store import Collection, Match, collection
from liptako.web.deps import SessionDep, SettingsDep
from liptako.web.errors import NotAcceptable, UnsupportedMediaType
from liptako.web.security import CurrentPrincipal, Principal

ROOT = f"/{taxii.API_ROOT}"


def taxii_accept(request: Request) -> None:
    """TAXII 2.1 section 1.6.8: a request must accept the TAXII media type (or anything)."""
    accept = request.headers.get("accept", "*/*").replace(" ", "").lower()
    if not any(kind in accept for kind in ("application/taxii+json", "*/*", "application/*")):
        raise NotAcceptable(f"accept: expected {taxii.MEDIA_TYPE_TAXII}, got {accept!r}")
    if "version=" in accept and "version=2.1" not in accept and "*/*" not in accept:
        raise NotAcceptable(f"accept: expected version 2.1, got {accept!r}")


router = APIRouter(prefix="/taxii2", tags=["taxii"], dependencies=[Depends(taxii_accept)])


def reply(body: dict[str, Any], *, status: int = 200,
          headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers,
                        media_type=taxii.MEDIA_TYPE_TAXII)


Text = Annotated[str | None, Query()]


@dataclass(frozen=True)
class Read:
    """A read's paging and filters as sent (TAXII 2.1, 3.4-3.5); checked when used, after the
    collection is, so another audience's collection is refused whatever its filters."""

    limit: Text = None
    next: Annotated[str | None, Query(alias="next")] = None
    added_after: Text = None
    match_id: Annotated[str | None, Query(alias="match[id]")] = None
    match_type: Annotated[str | None, Query(alias="match[type]")] = None
    match_version: Annotated[str | None, Query(alias="match[version]")] = None
    match_spec: Annotated[str | None, Query(alias="match[spec_version]")] = None

    def match(self, **fixed: str | None) -> Match:
        """The filters, those of ``fixed`` set by the route (an object's id, no type)."""
        sent = {"ids": self.match_id, "types": self.match_type,
                "versions": self.match_version} | fixed
        return taxii.match_of(added_after=self.added_after, spec_versions=self.match_spec,
                              **sent)

    def page(self, session: Session, principal: Principal, collection_id: str,
             **fixed: str | None) -> tuple[Collection, taxii.Page]:
        where = collection(collection_id, principal.viewer)
        return where, taxii.read_page(session, principal.viewer, where, self.match(**fixed),
                                      limit=taxii.limit_of(self.limit), cursor=self.next)


ReadDep = Annotated[Read, Depends()]


@router.get("/")
def get_discovery(request: Request) -> JSONResponse:
    """Server discovery: the one API root. Open, as the API's health and OpenAPI document
    are: it names an address and holds no record; everything under the root authenticates."""
    return reply(taxii.discovery(str(request.base_url).rstrip("/")))


@router.get(f"{ROOT}/")
def get_api_root(_principal: CurrentPrincipal, settings: SettingsDep) -> JSONResponse:
    return reply(taxii.api_root(settings.max_body_bytes))


@router.get(f"{ROOT}/collections/")
def get_collections(principal: CurrentPrincipal) -> JSONResponse:
    """The collections the caller may read: the community's and their own state's."""
    return reply(taxii.collections(principal.viewer))


@router.get(f"{ROOT}/collections/{{collection_id}}/")
def get_collection(collection_id: str, principal: CurrentPrincipal) -> JSONResponse:
    found = collection(collection_id, principal.viewer)
    return reply(taxii.collection_resource(found, principal.viewer))


@router.get(f"{ROOT}/collections/{{collection_id}}/objects/")
def get_objects(collection_id: str, principal: CurrentPrincipal, session: SessionDep,
                read: ReadDep) -> JSONResponse:
    """The objects the caller may read here, oldest added first, a page at a time."""
    _where, page = read.page(session, principal, collection_id)
    return reply(taxii.envelope(page), headers=page.headers())


@router.post(f"{ROOT}/collections/{{collection_id}}/objects/", status_code=202)
def post_objects(collection_id: str, request: Request, principal: CurrentPrincipal,
                 session: SessionDep, envelope: Annotated[dict[str, Any], Body()]
                 ) -> JSONResponse:
    """Add objects (an envelope); stored at once, so the status answered is complete."""
    sent = request.headers.get("content-type", "").replace(" ", "").lower()
    if not sent.startswith(("application/taxii+json", "application/json")):
        raise UnsupportedMediaType(f"content-type: expected {taxii.MEDIA_TYPE_TAXII}, "
                                   f"got {sent!r}")
    where = collection(collection_id, principal.viewer)
    status = taxii.add_objects(session, where, envelope, viewer=principal.viewer,
                               sender=principal.actor, registry=registry(session), now=utcnow())
    return reply(taxii.status_resource(status), status=202)


@router.get(f"{ROOT}/collections/{{collection_id}}/manifest/")
def get_manifest(collection_id: str, principal: CurrentPrincipal, session: SessionDep,
                 read: ReadDep) -> JSONResponse:
    _where, page = read.page(session, principal, collection_id)
    return reply(taxii.manifest(page), headers=page.headers())


@router.get(f"{ROOT}/collections/{{collection_id}}/objects/{{object_id}}/")
def get_object(collection_id: str, object_id: str, principal: CurrentPrincipal,
               session: SessionDep, read: ReadDep) -> JSONResponse:
    """One object (its latest version unless match[version] says otherwise)."""
    where, page = read.page(session, principal, collection_id, ids=object_id, types=None)
    if not page.rows:
        raise NotFound(f"no object {object_id} in collection {where.key}")
    return reply(taxii.envelope(page), headers=page.headers())


@router.get(f"{ROOT}/collections/{{collection_id}}/objects/{{object_id}}/versions/")
def get_versions(collection_id: str, object_id: str, principal: CurrentPrincipal,
                 session: SessionDep, read: ReadDep) -> JSONResponse:
    where = collection(collection_id, principal.viewer)
    match = read.match(ids=None, types=None, versions=None)
    page, body = taxii.versions(session, principal.viewer, where, object_id, match,
                                limit=taxii.limit_of(read.limit), cursor=read.next)
    return reply(body, headers=page.headers())


@router.get(f"{ROOT}/status/{{status_id}}/")
def get_status(status_id: str, principal: CurrentPrincipal, session: SessionDep
               ) -> JSONResponse:
    """The status of one of the caller's own POSTs."""
    return reply(taxii.status_resource(taxii.get_status(session, principal.viewer, status_id)))
