"""The API browser at /docs and the favicon (issue 18, point 5)."""

from __future__ import annotations

import re
import struct
from importlib.resources import files

from fastapi.testclient import TestClient

from helpers.web import sign_in
from liptako.auth.models import User

BUNDLE = "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js"


def test_docs_serves_swagger_ui_from_vendored_assets_without_inline_script(
        client: TestClient) -> None:
    got = client.get("/docs")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    scripts = re.findall(r"<script[^>]*>", got.text)
    assert scripts == [f'<script src="{BUNDLE}">', '<script src="/static/app/docs.js">']
    assert 'data-url="/api/v1/openapi.json"' in got.text
    links = re.findall(r'(?:src|href)="([^"]*)"', got.text)
    assert all(re.match(r"[/#](?!/)", link) for link in links), links  # nothing from elsewhere
    for asset in (BUNDLE, "/static/vendor/swagger-ui-dist/swagger-ui.css",
                  "/static/app/docs.js"):
        assert client.get(asset).status_code == 200, asset
    assert "SwaggerUIBundle(" in client.get("/static/app/docs.js").text


def test_docs_is_open_to_anyone_as_the_document_is(client: TestClient,
                                                     cast: dict[str, User]) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    sign_in(client, "moussa_ner_liaison")
    signed_in = client.get("/docs")
    assert signed_in.status_code == 200
    assert "moussa_ner_liaison (NER)" in signed_in.text  # the signed-in bar
    csrf = re.search(r'data-csrf="([^"]+)"', signed_in.text)
    assert csrf is not None  # "Try it out" sends the session's CSRF header


def test_every_page_links_to_the_docs_in_its_footer(client: TestClient) -> None:
    for path in ("/login", "/nothing-here"):
        footer = client.get(path).text.split("<footer>")[1]
        assert 'href="/docs"' in footer, path


def test_the_favicon_is_an_svg_linked_from_every_page_and_favicon_ico_answers(
        client: TestClient) -> None:
    head = client.get("/login").text.split("</head>")[0]
    assert '<link rel="icon" href="/static/app/favicon.svg" type="image/svg+xml">' in head
    assert '<link rel="icon" href="/favicon.ico" sizes="48x48">' in head
    svg = client.get("/static/app/favicon.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and "<script" not in svg.text
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.headers["content-type"] == "image/x-icon"
    reserved, kind, count = struct.unpack("<HHH", ico.content[:6])
    assert (reserved, kind) == (0, 1) and count >= 1  # an ICO directory of icons
    sizes = {ico.content[6 + 16 * i] for i in range(count)}
    assert {16, 32} <= sizes
    first_offset = struct.unpack("<I", ico.content[18:22])[0]
    assert ico.content[first_offset:first_offset + 8] == b"\x89PNG\r\n\x1a\n"


def test_the_basemap_is_served_from_the_reference_geography_at_its_old_address(
        client: TestClient) -> None:
    # the layers live in liptako/core/data/basemap (the report's map reads them too)
    folder = files("liptako.core").joinpath("data", "basemap")
    for name in ("countries", "lakes", "rivers", "places"):
        got = client.get(f"/static/basemap/{name}.geojson")
        assert got.status_code == 200, name
        assert got.content == folder.joinpath(f"{name}.geojson").read_bytes()
    # the mount before /static takes only its own folder: the rest of /static still answers
    assert client.get("/static/app/app.css").status_code == 200
    assert client.get("/static/basemap/app.css").status_code == 404
