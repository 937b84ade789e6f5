"""Pledge quantities carry their need's unit on the pages, in the reader's language and number,
and the reconciliation page speaks in quantities rather than counts of pledges (issue 18,
point 7 and point 4)."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.assistance import HOUR, attacked, caller, delivering, made_by
from helpers.web import sign_in
from liptako.assistance import pledging
from liptako.auth.models import User

NBSP = "\u00a0"


class _Tables(HTMLParser):
    """The text of each cell of each table row, and of each list item, as a reader sees it."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.items: list[str] = []
        self.where: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.rows[-1].append("")
        elif tag == "li":
            self.items.append("")
        if tag in ("td", "th", "li"):
            self.where.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th", "li") and self.where:
            self.where.pop()

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        if tag == "br" and self.where and self.where[-1] in ("td", "th"):
            self.rows[-1][-1] += "\n"

    def handle_data(self, data: str) -> None:
        if self.where and self.where[-1] in ("td", "th"):
            self.rows[-1][-1] += data
        elif self.where and self.where[-1] == "li":
            self.items[-1] += data


def _read(client: TestClient, path: str, lang: str) -> _Tables:
    answer = client.get(path, params={"lang": lang})
    assert answer.status_code == 200, answer.text
    tables = _Tables()
    tables.feed(answer.text)
    return tables


@pytest.fixture
def delivered(session: Session, cast: dict[str, User]) -> int:
    """Mali asked 12 sorties, 2 helicopters and 300 tonnes; Burkina Faso pledged 4 sorties
    and delivered 3, Niger pledged 1 helicopter (accepted, not delivered)."""
    pledged_at = dt.datetime.now(dt.UTC) - HOUR
    made, (bfa, _) = delivering(session, cast, [attacked(session, "MLI", now=pledged_at)],
                                now=pledged_at)
    pledging.confirm_delivery(session, made.id, bfa.id, delivered_quantity=3,
                              caller=caller(made_by(cast, "MLI")), now=pledged_at + HOUR / 2)
    return made.id


# the forms of the units in each language: French takes the singular for 0 and 1
WORDS = {"fr": {"sorties": ("sortie", "sorties"), "helicopters": ("hélicoptère", "hélicoptères"),
                "tonnes": ("tonne", "tonnes"), "air_support": "appui aérien",
                "medical_evacuation": "évacuation sanitaire", "delivered": "livré"},
         "en": {"sorties": ("sortie", "sorties"), "helicopters": ("helicopter", "helicopters"),
                "tonnes": ("tonne", "tonnes"), "air_support": "air support",
                "medical_evacuation": "medical evacuation", "delivered": "delivered"}}


def _q(lang: str, n: int, unit: str) -> str:
    one, other = WORDS[lang][unit]
    singular = n in (0, 1) if lang == "fr" else n == 1
    return f"{n}{NBSP}{one if singular else other}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_request_page_shows_units(client: TestClient, delivered: int, lang: str) -> None:
    sign_in(client, "amadou_mli_liaison")
    page = _read(client, f"/assistance/{delivered}", lang)
    coverage = {row[0]: row[2:] for row in page.rows if row and row[0] in ("1", "2", "3")}
    # requested, pledged, accepted, delivered, gap
    assert coverage == {
        "1": [_q(lang, n, "sorties") for n in (12, 4, 4, 3, 8)],
        "2": [_q(lang, n, "helicopters") for n in (2, 1, 1, 0, 1)],
        "3": [_q(lang, n, "tonnes") for n in (300, 0, 0, 0, 300)]}
    # the states by name
    pledges = [i.split("·")[0].strip() for i in page.items
               if i.startswith(("Burkina Faso", "Niger"))]
    assert pledges == [f"Burkina Faso: {_q(lang, 4, 'sorties')}",
                       f"Niger: {_q(lang, 1, 'helicopters')}"]
    [bfa] = [i for i in page.items if i.startswith("Burkina Faso")]
    # delivered less than pledged
    assert bfa.split("·")[-1].strip() == f"{WORDS[lang]['delivered']} {_q(lang, 3, 'sorties')}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_reconciliation_page_shows_quantities(client: TestClient, delivered: int,
                                                  lang: str) -> None:
    sign_in(client, "sec")
    page = _read(client, "/reconciliation", lang)
    needs = [r[2:] for r in page.rows if len(r) == 7 and r[0] == str(delivered)]
    assert needs == [[_q(lang, n, "sorties") for n in (12, 4, 4, 3, 8)],
                     [_q(lang, n, "helicopters") for n in (2, 1, 1, 0, 1)],
                     [_q(lang, n, "tonnes") for n in (300, 0, 0, 0, 300)]]
    # per state and per incident: what each pledged, had accepted and delivered, by need
    air, medevac = WORDS[lang]["air_support"], WORDS[lang]["medical_evacuation"]
    states = {r[0]: r[4:7] for r in page.rows if len(r) == 8
              and r[0] in ("Burkina Faso", "Niger")}
    assert states == {
        "Burkina Faso": [f"{air}: {_q(lang, n, 'sorties')}" for n in (4, 4, 3)],
        "Niger": [f"{medevac}: {_q(lang, n, 'helicopters')}" for n in (1, 1, 0)]}
    incidents = {r[1]: r[4:7] for r in page.rows if len(r) == 8 and r[0].isdigit()}
    assert incidents == states
