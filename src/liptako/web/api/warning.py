"""Early warning: the latest hotspot scan and the latest forecast as GeoJSON, trend evidence
between two periods."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from liptako.core.geojson import admin_features, labelled
from liptako.warning import queries
from liptako.warning.models import ForecastRun, ScanCluster, ScanRun
from liptako.warning.trends import parse_period, trend_report
from liptako.warning.words import CATEGORIES, report_json
from liptako.web.deps import SessionDep
from liptako.web.i18n import pick_locale
from liptako.web.security import CurrentPrincipal, Principal

router = APIRouter(tags=["early warning"])
Lang = Annotated[Literal["fr", "en"] | None,
                 Query(description="language of the names and sentences (default: the "
                                   "caller's)")]
SIGNIFICANT = 0.05


def _language(request: Request, principal: Principal, lang: str | None) -> str:
    return pick_locale(lang, principal.user.locale,
                       accept_language=request.headers.get("accept-language"))


@router.get("/hotspots")
def hotspots(request: Request, principal: CurrentPrincipal, session: SessionDep,
             lang: Lang = None) -> dict[str, Any]:
    """The newest hotspot scan (`liptako warning scan`) the caller may see, as a GeoJSON
    FeatureCollection of the units it marks (polygons of `/geo/admin-units`): each in a
    cluster (`cluster`: its rank, with the cluster's period, relative risk and p-value) or
    showing an emerging hot or cold spot pattern (`category`). `scan` describes the run and
    `clusters` lists its clusters, the most likely first; both are null and empty before any
    scan the caller may see."""
    words = _language(request, principal, lang)
    run = queries.latest_scan(session, principal.viewer)
    if run is None:
        return {"type": "FeatureCollection", "scan": None, "clusters": [], "features": []}
    names = {f["properties"]["code"]: labelled(f, words)["properties"]["label"]
             for f in admin_features()}
    return {"type": "FeatureCollection", "scan": _scan(run),
            "clusters": [_cluster(c, names) for c in run.clusters],
            "features": _units(run, words)}


def _scan(run: ScanRun) -> dict[str, Any]:
    return {"id": run.id, "ran_at": run.ran_at.isoformat(), "ran_by": run.ran_by_name,
            "starts_on": run.starts_on.isoformat(), "ends_on": run.ends_on.isoformat(),
            "time_unit": run.time_unit, "periods": run.periods, "area_level": run.area_level,
            "event_types": run.event_types, "replications": run.replications,
            "gi_permutations": run.gi_permutations, "seed": run.seed,
            "max_share": run.max_share, "max_radius_km": run.max_radius_km,
            "max_duration": run.max_duration, "events": run.events, "skipped": run.skipped,
            "tlp": run.tlp, "originator": run.originator, "significance": SIGNIFICANT}


def _cluster(cluster: ScanCluster, names: dict[str, str]) -> dict[str, Any]:
    return {"rank": cluster.rank, "units": cluster.units,
            "names": [names[code] for code in cluster.units],
            "radius_km": cluster.radius_km, "starts_on": cluster.starts_on.isoformat(),
            "ends_on": cluster.ends_on.isoformat(), "observed": cluster.observed,
            "expected": cluster.expected, "relative_risk": cluster.relative_risk,
            "llr": cluster.llr, "p_value": cluster.p_value,
            "significant": cluster.p_value <= SIGNIFICANT}


def _units(run: ScanRun, lang: str) -> list[dict[str, Any]]:
    """The features of the units in a cluster or with a pattern; a unit in two clusters
    (never: secondary clusters share no unit) would take the more likely one."""
    in_cluster = {code: c for c in reversed(run.clusters) for code in c.units}
    features = []
    for feature in admin_features():
        code = feature["properties"]["code"]
        category = run.categories.get(code, "no pattern")
        cluster = in_cluster.get(code)
        if cluster is None and category == "no pattern":
            continue
        unit = labelled(feature, lang)
        unit["properties"].update(
            category=category, category_label=CATEGORIES[lang][category],
            cluster=cluster.rank if cluster else None,
            cluster_starts_on=cluster.starts_on.isoformat() if cluster else None,
            cluster_ends_on=cluster.ends_on.isoformat() if cluster else None,
            cluster_relative_risk=cluster.relative_risk if cluster else None,
            cluster_p_value=cluster.p_value if cluster else None)
        features.append(unit)
    return features


@router.get("/forecasts")
def forecasts(request: Request, principal: CurrentPrincipal, session: SessionDep,
              ahead: Annotated[int, Query(ge=1, le=6, description="months after the "
                                          "forecast's origin")] = 1,
              lang: Lang = None) -> dict[str, Any]:
    """The newest stored forecast (`liptako forecast run`) the caller may see, as a GeoJSON
    FeatureCollection of every unit (polygons of `/geo/admin-units`) with its forecast of
    fatalities for the month `ahead`: `expected` (mean of the draws), `median`, `low` and
    `high` (the 80 % interval) and `p_exceed` (the probability of `threshold` or more).
    `forecast` describes the run; null, with no features, before any forecast the caller
    may see or beyond the run's months."""
    words = _language(request, principal, lang)
    run = queries.latest_forecast(session, principal.viewer)
    if run is None or ahead > run.months:
        return {"type": "FeatureCollection", "forecast": None, "features": []}
    values = {v.unit: v for v in run.values if v.ahead == ahead}
    features = []
    for feature in admin_features():
        value = values.get(feature["properties"]["code"])
        if value is None:
            continue
        unit = labelled(feature, words)
        unit["properties"].update(month=f"{value.month:%Y-%m}", expected=value.expected,
                                  median=value.median, low=value.low, high=value.high,
                                  p_exceed=value.p_exceed)
        features.append(unit)
    return {"type": "FeatureCollection", "forecast": {**_forecast(run), "ahead": ahead},
            "features": features}


def _forecast(run: ForecastRun) -> dict[str, Any]:
    return {"id": run.id, "ran_at": run.ran_at.isoformat(), "ran_by": run.ran_by_name,
            "origin": f"{run.origin:%Y-%m}", "data_from": f"{run.data_from:%Y-%m}",
            "months": run.months, "area_level": run.area_level, "target": run.target,
            "model": run.model, "samples": run.samples, "seed": run.seed,
            "threshold": run.threshold, "events": run.events, "tlp": run.tlp,
            "originator": run.originator}


@router.get("/trends")
def trends(
    request: Request, principal: CurrentPrincipal, session: SessionDep,
    before: Annotated[str, Query(alias="from", max_length=40, description="the earlier "
                                 "period: YYYY, YYYY-MM, YYYY-MM-DD, or two joined by ':'")],
    after: Annotated[str, Query(alias="to", max_length=40, description="the later period, "
                                "alike")],
    area: Literal["adm1", "country"] = "adm1", by_type: bool = True, lang: Lang = None,
) -> dict[str, Any]:
    """Where violence rose or fell significantly between two periods, and where the change is
    within noise, per area, in events, fatalities and (`by_type`) events of each type, as
    `liptako warning trends --format json` gives it, over the events the caller may see; each
    change said in a sentence in the caller's language."""
    periods = parse_period(before, "from"), parse_period(after, "to")
    report = trend_report(session, principal.viewer, level=area, before=periods[0],
                          after=periods[1], by_type=by_type)
    return report_json(report, _language(request, principal, lang))
