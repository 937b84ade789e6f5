"""The threat-actor pages and API: the list filtered by family and home country, an actor's
names by language with their periods, its lineage over time from the shipped data, its
activity as the reader may see it, and the analysts' forms (shown only to them)."""

from __future__ import annotations

import datetime as dt
import html
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.warning import national_report
from helpers.web import sign_in
from liptako.auth.models import User
from liptako.intel import service

SOUM = "BFA-2826"


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _tables(page: str, cls: str) -> list[list[list[str]]]:
    bodies = re.findall(rf'<table class="{cls}"[^>]*>.*?<tbody>(.*?)</tbody>', page, re.S)
    assert bodies, cls
    return [[[_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
             for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)] for body in bodies]


def _table(page: str, cls: str) -> list[list[str]]:
    return _tables(page, cls)[0]


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found[1]


def test_the_list_filters_by_family_and_home_country_in_both_languages(
        client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "mli_observer")
    rebels = client.get("/actors", params={"family": "separatist_rebel", "lang": "en"}).text
    names = [row[0] for row in _table(rebels, "actors")]
    assert "Azawad Liberation Front (FLA)" in names and not any("JNIM" in n for n in names)
    assert '<option value="separatist_rebel" selected>' in rebels  # the filter kept
    burkina = client.get("/actors", params={"country": "BFA", "family": "jihadist",
                                            "lang": "fr"}).text
    assert [row[0] for row in _table(burkina, "actors")] == ["Ansarul Islam"]
    assert "Acteurs de la menace" in burkina and "Groupes djihadistes" in burkina
    # every shipped actor without a filter; no per-country family member
    everyone = _table(client.get("/actors", params={"lang": "en"}).text, "actors")
    assert len(everyone) == 119
    assert not any(row[0] == "Civilians (Mali)" for row in everyone)
    nigeria = _table(client.get("/actors", params={"country": "NGA"}).text, "actors")
    assert {row[2] for row in nigeria} == {"Nigeria"}  # a country beyond the members by name
    assert client.get("/actors/nobody", params={"lang": "en"}).status_code == 404


def test_an_actors_page_shows_its_names_by_language_and_its_lineage(
        client: TestClient, cast: dict[str, User]) -> None:
    sign_in(client, "mli_observer")
    en = client.get("/actors/is_sahel", params={"lang": "en"}).text
    english = _table(en, "actor-names")  # the first table: English names
    assert ["ISGS", "Press", "May 1, 2015 – Mar 31, 2022", "registry"] in english
    assert ["IS Sahel", "Press", "Mar 1, 2022 – …", "registry"] in english
    fr = client.get("/actors/is_sahel", params={"lang": "fr"}).text
    assert "EIGS" in _text(fr) and "Français" in fr and "Arabe (translittération latine)" in fr
    # FLA: CMA -> CSP -> FLA and the movements it absorbed, and theirs, in order of date
    page = client.get("/actors/fla", params={"lang": "en"}).text
    body = re.search(r'<table class="actor-chain">.*?</table>', page, re.S)
    assert body is not None
    steps = [(_text(day), before, after) for day, before, after in re.findall(
        r'<tr><td>(.*?)</td><td><a href="/actors/([^"]+)">.*?</a></td>'
        r'<td><a href="/actors/([^"]+)">', body[0])]
    assert steps == [("May 1, 2013", "mia", "hcua"), ("Aug 1, 2014", "militia.gamou", "gatia"),
                     ("Jan 1, 2021", "cma", "csp"), ("Nov 30, 2024", "csp", "fla"),
                     ("Nov 30, 2024", "gatia", "fla"), ("Nov 30, 2024", "hcua", "fla"),
                     ("Nov 30, 2024", "maa", "fla"), ("Nov 30, 2024", "mnla", "fla")]
    assert "Permanent Strategic Framework (CSP-PSD, then CSP-DPA)" in body[0]
    # JNIM: its components and its parent
    jnim = client.get("/actors/jnim", params={"lang": "en"}).text
    assert 'href="/actors/jnim.macina"' in jnim and 'href="/actors/aqim"' in jnim
    assert "alias-form" not in jnim  # an observer has no edit form


def test_an_analyst_adds_a_name_on_the_page_and_a_clash_is_said_in_french(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    sign_in(client, "awa_mli_analyst")
    page = client.get("/actors/jnim", params={"lang": "fr"}).text
    assert 'id="alias-form"' in page and 'id="lineage-form"' in page
    stale = client.post("/actors/jnim/aliases", data={"name": "Sans jeton", "lang": "fr"})
    assert stale.status_code == 403  # no CSRF token, nothing stored
    added = client.post("/actors/jnim/aliases", data={
        "csrf_token": _csrf(page), "name": "Katiba du Gourma", "lang": "fr",
        "source": "national", "valid_from": "2020-01-01"}, follow_redirects=False)
    assert added.status_code == 303
    page = client.get("/actors/jnim", params={"lang": "fr"}).text
    french = _tables(page, "actor-names")[1]
    assert ["Katiba du Gourma", "Rapports nationaux", "1 janv. 2020 – …", "awa_mli_analyst",
            "Retirer"] in french
    assert [a for a, _ in service.registry(session).lookup("katiba du gourma")] == ["jnim"]
    clash = client.post("/actors/jnim/aliases", data={
        "csrf_token": _csrf(page), "name": "EIGS", "lang": "fr"})
    assert clash.status_code == 409
    assert ("Ce nom est déjà pris : Islamic State Sahel Province (formerly ISGS) porte le "
            "nom « EIGS »") in html.unescape(clash.text)
    assert 'value="EIGS"' in clash.text  # the form keeps what was typed


def test_the_api_lists_shows_and_edits_actors(
        client: TestClient, auth, cast: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    observer, analyst = auth("mli_observer"), auth("bfa_analyst")
    listed = client.get("/api/v1/actors", params={"family": "jihadist", "country": "MLI"},
                        headers=observer).json()
    assert {a["id"] for a in listed} == {"ansar_al_sharia_mali"}
    assert client.get("/api/v1/actors/nobody", headers=observer).status_code == 404
    assert client.post("/api/v1/actors/nobody/aliases", json={"name": "X", "lang": "en"},
                       headers=analyst).status_code == 404
    fla = client.get("/api/v1/actors/fla", headers=observer).json()
    assert {(x["relation"], x["actor_id"]) for x in fla["lineage"]} == {
        ("predecessor", p) for p in ("csp", "mnla", "hcua", "maa", "gatia")}
    link = client.post("/api/v1/actors/fla/lineage", json={
        "relation": "predecessor", "other_id": "cme", "on": "2024-11-30"}, headers=analyst)
    assert link.status_code == 201
    refused = client.post("/api/v1/actors/fla/lineage", json={
        "relation": "successor", "other_id": "cme"}, headers=analyst)
    assert refused.status_code == 409 and "cme is already its predecessor" in \
        refused.json()["detail"]
    assert client.post("/api/v1/actors/fla/lineage", json={
        "relation": "successor", "other_id": "fla"}, headers=analyst).status_code == 422
    assert client.delete(f"/api/v1/actors/fla/lineage/{link.json()['id']}",
                         headers=observer).status_code == 403
    assert client.delete(f"/api/v1/actors/fla/lineage/{link.json()['id']}",
                         headers=analyst).status_code == 204
    assert "cme" not in {x["actor_id"] for x in
                         client.get("/api/v1/actors/fla", headers=observer).json()["lineage"]}


def test_the_activity_on_the_page_is_what_the_reader_may_see(
        client: TestClient, session: Session, cast: dict[str, User]) -> None:
    red = national_report(session, SOUM, dt.date(2024, 3, 20), tlp="RED", state="BFA")
    sign_in(client, "moussa_ner_liaison")
    niger = client.get("/actors/jnim", params={"lang": "en"}).text
    assert "you may see (this actor and its components): 0. Fatalities: 0." in niger
    assert "<svg" not in niger and _table(niger, "actor-latest") == [["None."]]
    sign_in(client, "ibrahim_bfa_liaison")
    burkina = client.get("/actors/jnim", params={"lang": "fr"}).text
    assert "(cet acteur et ses composantes) : 1. Morts : 12." in html.unescape(burkina)
    assert burkina.count('<rect class="events"') == 36
    assert burkina.count('class="area hit"') >= 1  # Soum's region on the small map
    assert _table(burkina, "actor-areas")[0][1:] == ["Burkina Faso", "1", "12"]
    assert f'href="/incidents/{red.id}"' in burkina
    # the incident's page links its canonical actor
    assert 'href="/actors/jnim"' in client.get(f"/incidents/{red.id}").text
    # a per-country family member has a page too
    assert "Civilians (Burkina Faso)" in client.get("/actors/civilians.bfa").text
