"""The intelligence exchange page: download the STIX 2.1 bundle the reader may see (of one
actor, or all), upload a partner's bundle. The same use cases as the API."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from liptako.core.clock import utcnow
from liptako.intel.actors import ActorRegistry
from liptako.intel.service import registry as effective_registry
from liptako.intel.stix import MEDIA_TYPE_STIX
from liptako.intel.stix_export import dumps
from liptako.intel.stix_import import ImportResult, InvalidBundle, import_bundle
from liptako.intel.stix_objects import armed_groups
from liptako.intel.stix_store import WRITER_ROLES, readable_collections
from liptako.obligations.stix_publish import export_bundle
from liptako.web.deps import SessionDep
from liptako.web.pages.common import Page, PageDep

router = APIRouter(include_in_schema=False)


def _render(page: Page, status_code: int = 200, *, result: ImportResult | None = None,
            errors: list[str] | None = None) -> Response:
    principal = page.require()
    # analysts' edits add names and links, never actors: the shipped list of groups serves
    groups = [(a.id, a.name) for a in armed_groups(ActorRegistry.load())]
    collections = [(c.key, c.state) for c in readable_collections(principal.viewer)]
    return page.render("intel.html", status_code=status_code, groups=groups, names=dict(groups),
                       may_import=principal.has_role(*WRITER_ROLES), result=result,
                       errors=errors or [], collections=collections,
                       taxii_url=f"{str(page.request.base_url).rstrip('/')}/taxii2/")


@router.get("/intel")
def intel_page(page: PageDep) -> Response:
    return _render(page)


@router.get("/intel/bundle")
def download(page: PageDep, session: SessionDep, actor: str = "") -> Response:
    """The bundle as a file to save: the API's bundle, for a browser."""
    principal = page.require()
    bundle = export_bundle(session, principal.viewer, registry=effective_registry(session),
                           by=principal.actor, now=utcnow(), actor_id=actor or None)
    name = f"liptako-stix-{actor or 'all'}.json"
    return Response(dumps(bundle), media_type=MEDIA_TYPE_STIX,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


async def _uploaded(request: Request, page: Page) -> tuple[Any, list[str]]:
    """The uploaded file's JSON, or what is wrong with it (the form's files closed)."""
    _ = page.fmt.gettext
    async with request.form() as form:
        page.check_csrf(str(form.get("csrf_token", "")))
        upload = form.get("bundle")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return None, [_("Choose a file holding a STIX 2.1 bundle.")]
        raw = await upload.read()
    try:
        return json.loads(raw), []
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [_("The file is not JSON: %(error)s") % {"error": str(exc)}]


@router.post("/intel")
async def upload(request: Request, page: PageDep, session: SessionDep) -> Response:
    principal = page.require(*WRITER_ROLES)
    bundle, errors = await _uploaded(request, page)
    if errors:
        return _render(page, 422, errors=errors)
    try:
        result = import_bundle(session, bundle, sender=principal.actor,
                               viewer=principal.viewer, registry=effective_registry(session),
                               channel="page", now=utcnow())
    except InvalidBundle as refused:
        return _render(page, 422, errors=refused.messages)
    return _render(page, result=result)
