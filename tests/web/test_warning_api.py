"""The early-warning API: the newest hotspot scan a caller may see as GeoJSON, and the trend
evidence between two periods over what the caller may see, in the caller's language."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories.warning import national_report, planted_cluster
from liptako.audit.service import Actor
from liptako.auth.models import User
from liptako.core.geojson import admin_features
from liptako.warning.schemas import ScanParameters
from liptako.warning.service import run_scan
from liptako.warning.words import CATEGORIES

NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
YEAR = {"first_month": dt.date(2019, 1, 1), "last_month": dt.date(2019, 12, 1),
        "replications": 19, "gi_permutations": 0, "seed": 2}


def test_the_newest_scan_each_caller_may_see(client: TestClient, auth, session: Session,  # type: ignore[no-untyped-def]
                                             cast: dict[str, User]) -> None:
    empty = client.get("/api/v1/hotspots", headers=auth("ner_analyst"))
    assert empty.status_code == 200
    assert empty.json() == {"type": "FeatureCollection", "scan": None, "clusters": [],
                            "features": []}
    pair = planted_cluster(session)
    everyone = run_scan(session, ScanParameters(**YEAR), actor=Actor(None, "sec", "SEC"),
                        now=NOW)
    for_mali = run_scan(session, ScanParameters(**YEAR, for_state="MLI"),
                        actor=Actor(None, "sec", "SEC"), now=NOW + dt.timedelta(hours=1))

    body = client.get("/api/v1/hotspots", headers=auth("ner_analyst")).json()
    assert body["scan"]["id"] == everyone.id and body["scan"]["tlp"] == "GREEN"
    assert client.get("/api/v1/hotspots", headers=auth("mli_observer")).json()["scan"]["id"] \
        == for_mali.id
    best = body["clusters"][0]
    assert (best["rank"], set(best["units"]), best["starts_on"], best["ends_on"]) == (
        1, set(pair), "2019-10-01", "2019-12-31")
    assert best["observed"] == 66 and best["p_value"] == 0.05 and best["significant"]
    units = {f["properties"]["code"]: f for f in body["features"]}
    niamey = units[pair[1]]
    shipped = next(f for f in admin_features() if f["properties"]["code"] == pair[1])
    assert niamey["geometry"] == shipped["geometry"]
    props = niamey["properties"]
    assert (props["cluster"], props["cluster_starts_on"], props["cluster_ends_on"]) == (
        1, "2019-10-01", "2019-12-31")
    assert props["cluster_relative_risk"] == best["relative_risk"] > 1
    assert props["cluster_p_value"] == best["p_value"]
    # the caller's language (the cast's accounts are French), or the one asked for
    assert props["category"] == "consecutive hot spot"
    assert props["category_label"] == "Point chaud consécutif"
    english = client.get("/api/v1/hotspots?lang=en", headers=auth("ner_analyst")).json()
    assert {f["properties"]["category_label"] for f in english["features"]} <= set(
        CATEGORIES["en"].values())
    # only units in a cluster or with a pattern
    assert all(f["properties"]["cluster"] or f["properties"]["category"] != "no pattern"
               for f in body["features"])


def test_trend_evidence_over_what_the_caller_may_see(client: TestClient, auth,  # type: ignore[no-untyped-def]
                                                      session: Session,
                                                      cast: dict[str, User]) -> None:
    pair = planted_cluster(session)
    # Mali's report, released to Mali's analysts and liaisons but not to Niger
    national_report(session, "MLI-2809", dt.date(2019, 11, 5), tlp="RED", state="MLI")
    query = "/api/v1/trends?area=adm1&from=2019-01:2019-06&to=2019-10:2019-12"
    french = client.get(query, headers=auth("ner_analyst"))
    assert french.status_code == 200, french.text
    body = french.json()
    assert (body["area"], body["from"], body["to"]) == ("adm1", "2019-01-01:2019-06-30",
                                                       "2019-10-01:2019-12-31")
    changes = {(c["area"], c["measure"]): c for c in body["changes"]}
    niamey = changes[(pair[1], "events")]
    assert (niamey["before"], niamey["after"], niamey["verdict"]) == (6, 33, "rose")
    assert niamey["sentence"].startswith("Niamey (NER) : événements, en hausse significative")
    assert changes[("MLI-2809", "events")]["after"] == 0
    mali = client.get(query + "&lang=en", headers=auth("awa_mli_analyst")).json()
    mopti = next(c for c in mali["changes"] if (c["area"], c["measure"])
                 == ("MLI-2809", "events"))
    assert mopti["after"] == 1 and mopti["sentence"].startswith("Mopti (MLI): events")
    bad = client.get("/api/v1/trends?from=2019-13&to=2020", headers=auth("ner_analyst"))
    assert bad.status_code == 422 and "from: expected YYYY" in bad.json()["detail"]
    backwards = client.get("/api/v1/trends?from=2020&to=2019", headers=auth("ner_analyst"))
    assert backwards.status_code == 422 and "to end before" in backwards.json()["detail"]
