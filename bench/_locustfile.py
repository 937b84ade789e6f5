"""The load scenario `bench/load.py` runs: analysts, liaison officers and the secretariat.

Read by locust in a process of its own (gevent patches the standard library on import), with
``LIPTAKO_LOAD_SCENARIO`` naming the JSON `load.py` wrote (accounts with their token and page
cookie, the attacks, incidents to read, the report's month, the map's period) and
``LIPTAKO_LOAD_OUT`` the JSON this file writes at the end: every request (group, name,
milliseconds, error) and every write the server acknowledged (kind, id, status).

Groups: map (the map page and its incident list and stats), incident (the page and the API),
report (a month's situation report as HTML), assistance (a liaison officer files and submits
a request, the secretariat opens it, the two other states pledge), taxii (discovery,
collections, a page of objects).
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, events, task

SCENARIO: dict[str, Any] = json.loads(Path(os.environ["LIPTAKO_LOAD_SCENARIO"]).read_text())
TAXII = "application/taxii+json;version=2.1"
SAMPLES: list[tuple[str, str, float, str | None]] = []
WRITES: list[dict[str, Any]] = list(SCENARIO["writes"])


@events.request.add_listener
def _sample(name: str, response_time: float, exception: BaseException | None,
            **_kw: Any) -> None:
    SAMPLES.append((name.split()[0], name, response_time,
                    None if exception is None else str(exception)[:300]))


@events.quitting.add_listener
def _dump(**_kw: Any) -> None:
    Path(os.environ["LIPTAKO_LOAD_OUT"]).write_text(json.dumps(
        {"samples": SAMPLES, "writes": WRITES}))


def _accounts(role: str) -> list[dict[str, Any]]:
    return [a for a in SCENARIO["accounts"].values() if a["role"] == role]


class Member(FastHttpUser):
    """A signed-in member of one role; ``abstract``: the roles below are the users."""

    abstract = True
    role = ""
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        """Sign-in's first look: one of each of the role's tasks (its own first), so that
        even a short run with a few users goes through every group."""
        self.account = random.choice(_accounts(self.role))
        for first in self.first_look():
            first()

    def first_look(self) -> list[Callable[[], None]]:
        return [self.map, self.incident, self.taxii]

    def call(self, method: str, path: str, name: str, *, expect: int = 200, page: bool = False,
             account: dict[str, Any] | None = None, body: dict[str, Any] | None = None,
             accept: str = "application/json") -> Any:
        """One request as ``account`` (the user's own by default), by page cookie or API
        token; a failure unless the status is ``expect`` (a redirect to the login page is
        one). The decoded JSON of an API answer."""
        who = account or self.account
        headers = ({"Cookie": f"liptako_session={who['cookie']}"} if page
                   else {"Authorization": f"Bearer {who['token']}", "Accept": accept})
        with self.client.request(method, path, name=name, headers=headers, json=body,
                                 allow_redirects=False, catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"expected {expect}, got {response.status_code}: "
                                 f"{(response.text or '')[:200]}")
                return None
            if page or "json" not in response.headers.get("content-type", ""):
                return response.text
            return response.json()

    @task(3)
    def map(self) -> None:
        query = SCENARIO["map"]
        self.call("GET", "/", "map GET /", page=True)
        self.call("GET", f"/api/v1/incidents?limit=5000&{query}", "map GET /api/v1/incidents")
        self.call("GET", f"/api/v1/stats?{query}", "map GET /api/v1/stats")

    @task(3)
    def incident(self) -> None:
        one = random.choice(SCENARIO["incidents"])
        self.call("GET", f"/incidents/{one}", "incident GET /incidents/{id}", page=True)
        self.call("GET", f"/api/v1/incidents/{one}", "incident GET /api/v1/incidents/{id}")

    @task(2)
    def taxii(self) -> None:
        root = "/taxii2/aes"
        self.call("GET", "/taxii2/", "taxii GET /taxii2/", accept=TAXII)
        found = self.call("GET", f"{root}/collections/", "taxii GET collections", accept=TAXII)
        mine = [c["id"] for c in (found or {}).get("collections", [])]
        if mine:
            self.call("GET", f"{root}/collections/{random.choice(mine)}/objects/?limit=100",
                      "taxii GET objects", accept=TAXII)


class Analyst(Member):
    weight = 3
    role = "analyst"

    def first_look(self) -> list[Callable[[], None]]:
        return [self.report, *super().first_look()]

    @task(1)
    def report(self) -> None:
        self.call("GET", f"/api/v1/reports/sitrep?period={SCENARIO['month']}&format=html",
                  "report GET /api/v1/reports/sitrep")


class Secretariat(Member):
    weight = 1
    role = "secretariat"

    def first_look(self) -> list[Callable[[], None]]:
        return [self.report, *super().first_look()]

    @task(2)
    def report(self) -> None:
        self.call("GET", f"/api/v1/reports/sitrep?period={SCENARIO['month']}&format=html"
                  "&language=en", "report GET /api/v1/reports/sitrep")


class Liaison(Member):
    weight = 2
    role = "liaison"

    def first_look(self) -> list[Callable[[], None]]:
        return [self.assistance, *super().first_look()]

    @task(3)
    def assistance(self) -> None:
        """File, submit, open (the secretariat), pledge (the two other states)."""
        state = self.account["state"]
        made = self.call("POST", "/api/v1/assistance-requests", "assistance POST request",
                         expect=201, body=_request(SCENARIO["attacks"][state]))
        if made is None:
            return
        path = f"/api/v1/assistance-requests/{made['id']}"
        # this user's own record: other users append theirs while this one waits
        filed = {"kind": "assistance_request", "id": made["id"], "status": "draft"}
        WRITES.append(filed)
        if self.call("POST", f"{path}/submit", "assistance POST submit") is None:
            return
        filed["status"] = "submitted"
        secretariat = random.choice(_accounts("secretariat"))
        if self.call("POST", f"{path}/open", "assistance POST open",
                     account=secretariat) is None:
            return
        filed["status"] = "open_for_pledges"
        item = made["items"][0]["id"]
        for other in _accounts("liaison"):
            if other["state"] != state:
                pledge = self.call("POST", f"{path}/pledges", "assistance POST pledge",
                                   expect=201, account=other, body=_pledge(item))
                if pledge is not None:
                    WRITES.append({"kind": "pledge", "id": pledge["id"],
                                   "status": pledge["status"]})


def _moment(hours: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + hours * 3600))


def _request(incident: int) -> dict[str, Any]:
    return {"title": "Load bench: request for assistance", "article": "6",
            "situation": "Armed attack on the capital; air defence overwhelmed.",
            "incident_ids": [incident], "deadline_at": _moment(72),
            "items": [{"kind": "air_support", "description": "Close air support sorties",
                       "quantity": 12, "unit": "sorties", "place": "Capital",
                       "starts_at": _moment(24), "priority": 1}]}


def _pledge(item: int) -> dict[str, Any]:
    return {"line_item_id": item, "quantity": 4, "available_from": _moment(30),
            "description": "Four sorties from the air base"}
