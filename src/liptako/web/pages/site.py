"""What the site serves beside its pages: the API browser and the favicon.

The favicon is ``static/app/favicon.svg``, linked from every page; ``/favicon.ico`` answers
too, for the clients that ask there unprompted (an ICO drawn from the SVG by
``scripts/favicon.py``).

``/docs`` is open to anyone, as the OpenAPI document it shows (``/api/v1/openapi.json``) has
always been: the document describes the shape of an open-source API and holds no record,
and every operation it lists still authenticates its caller and answers within their role
and state. A signed-in visitor's "Try it out" runs as their session.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from liptako.web.pages.common import PageDep

router = APIRouter(include_in_schema=False)
FAVICON = str(files("liptako.web").joinpath("static", "app", "favicon.ico"))


@router.get("/docs")
def api_browser(page: PageDep) -> Response:
    return page.render("docs.html", openapi_url=page.request.app.openapi_url)


@router.get("/favicon.ico")
def favicon() -> Response:
    return FileResponse(FAVICON, media_type="image/x-icon",
                        headers={"cache-control": "public, max-age=86400"})
