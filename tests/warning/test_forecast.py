"""The forecast panel read from the registry (what counts, where and when) and the backtest
report over it: the issue's JSON object, months after the data skipped and said so."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy.orm import Session

from factories.incidents import NOW, event
from factories.warning import SEED, national_report, unit_point
from liptako.core.clock import month_id
from liptako.core.errors import RuleViolation
from liptako.incidents.models import Incident
from liptako.obligations.recording import record_batch
from liptako.warning.areas import areas
from liptako.warning.forecast import backtest_forecasts, forecast_panel
from liptako.warning.rules import ACTOR_CLASSES, actor_class
from liptako.warning.schemas import BacktestParameters

TIMBUKTU, SOUM = "MLI-2688", "BFA-2806"  # a Malian region (admin-1), a Burkinabe province


def record(session: Session, plan: list[tuple[str, dt.date, str, int]], first: int = 0) -> None:
    """One CLEAR public-dataset event per (unit, day, type, fatalities): JNIM against a
    state's army, targeting civilians when of violence against civilians."""
    records = []
    for k, (code, day, kind, dead) in enumerate(plan, start=first):
        lat, lon = unit_point(code)
        records.append(event(k, source_id=f"FC{k:05d}", occurred_on=day, lat=lat, lon=lon,
                             iso3=code[:3], event_type=kind, fatalities=dead,
                             civilian_targeting=kind == "violence_against_civilians"))
    record_batch(session, records, actor=SEED, now=NOW, pact_ids=())
    session.flush()


def params(**overrides: object) -> BacktestParameters:
    values: dict[str, object] = {"first_origin": dt.date(2019, 3, 1),
                                 "last_origin": dt.date(2019, 4, 1), "horizons": (1, 2),
                                 "samples": 50, "seed": 3}
    values.update(overrides)
    return BacktestParameters(**values)  # type: ignore[arg-type]


def test_the_panel_counts_live_readable_real_events_by_unit_and_month(
        session: Session) -> None:
    record(session, [(TIMBUKTU, dt.date(2019, 1, 5), "battle", 4),
                     (TIMBUKTU, dt.date(2019, 1, 28), "violence_against_civilians", 6),
                     (SOUM, dt.date(2019, 3, 2), "battle", 30),
                     (SOUM, dt.date(2019, 5, 31), "protest", 0),
                     (SOUM, dt.date(2019, 5, 1), "battle", 9)])
    # never counted: a deleted event, an exercise's report, an AMBER report
    record(session, [(TIMBUKTU, dt.date(2019, 2, 1), "battle", 50)], first=100)
    session.execute(Incident.__table__.update().where(Incident.source_id == "FC00100")
                    .values(deleted_at=NOW))
    national_report(session, TIMBUKTU, dt.date(2019, 2, 3), tlp="GREEN", state="MLI",
                    exercise=True)
    national_report(session, SOUM, dt.date(2019, 2, 4), tlp="AMBER", state="BFA")

    panel, unplaced = forecast_panel(session, for_state=None, first_month=dt.date(2018, 12, 1))
    grid = areas("adm1").position()
    timbuktu, soum = grid[TIMBUKTU], grid[SOUM]
    # from the first origin (before the first event) to the newest event's month
    assert (panel.first_month, panel.last_month) == (month_id(dt.date(2018, 12, 1)),
                                                      month_id(dt.date(2019, 5, 1)))
    assert unplaced == 0 and panel.n_units == 62
    assert panel.fatalities[timbuktu].tolist() == [0, 10, 0, 0, 0, 0]
    assert panel.fatalities[soum].tolist() == [0, 0, 0, 30, 0, 9]
    assert panel.fatalities.sum() == 49
    battle = panel.event_types.index("battle")
    assert panel.events[battle, soum].tolist() == [0, 0, 0, 1, 0, 1]
    assert panel.events[:, soum, 5].sum() == 2  # a battle and a protest in May
    # JNIM against an army: jihadist and state; civilians targeted once, in Timbuktu
    classes = {c: panel.actors[ACTOR_CLASSES.index(c)] for c in ACTOR_CLASSES}
    assert classes["jihadist"][timbuktu, 1] == classes["state"][timbuktu, 1] == 2
    assert classes["civilians"][timbuktu].tolist() == [0, 1, 0, 0, 0, 0]
    assert classes["militia"].sum() == 0
    # for Burkina Faso's users the AMBER report counts too
    burkina, _ = forecast_panel(session, for_state="BFA", first_month=dt.date(2018, 12, 1))
    assert burkina.fatalities[soum, 2] == 12


def test_the_backtest_reports_the_issues_json_and_skips_months_after_the_data(
        session: Session) -> None:
    rng = np.random.default_rng(0)
    plan = [(code, dt.date(2018, m, 10), "battle", int(rng.poisson(8)))
            for m in range(1, 13) for code in (TIMBUKTU, SOUM)]
    record(session, [*plan, (SOUM, dt.date(2019, 2, 14), "battle", 40)])
    found = backtest_forecasts(session, params(first_origin=dt.date(2018, 12, 1),
                                               last_origin=dt.date(2019, 2, 1)))
    assert found["unit"] == "adm1" and found["target"] == "log1p_fatalities"
    assert found["origins"] == ["2018-12", "2019-01", "2019-02"]
    assert found["horizons"] == [1, 2]
    assert list(found["models"]) == ["zero", "last_value", "mean_12m", "conflictology_12m",
                                     "quantile_forest"]
    for name, scores in found["models"].items():
        assert set(scores) == {"kind", "crps", "crps_by_horizon", "brier_25", "coverage_80",
                               "crps_ratio_to_best_baseline"}
        assert scores["kind"] == ("learned" if name == "quantile_forest" else "baseline")
        assert set(scores["crps_by_horizon"]) == {"1", "2"}
        assert all(isinstance(v, float) for v in scores["crps_by_horizon"].values())
    # data end in February 2019: from 2018-12 both horizons, from 2019-01 one, then none
    assert found["scored_pairs"] == {"1": 2, "2": 1}
    assert found["skipped"] == [
        {"origin": "2019-01", "horizons": [2],
         "reason": "target months after 2019-02, the last month of the stored events"},
        {"origin": "2019-02", "horizons": [1, 2],
         "reason": "target months after 2019-02, the last month of the stored events"}]
    assert found["data"] == {"first_month": "2018-01", "last_month": "2019-02", "units": 62,
                             "events": 25, "events_in_no_unit": 0}
    # zero's CRPS is the mean log1p outcome over all 62 units, quiet ones included
    # (January is quiet; Soum's 40 deaths of February are forecast from December and January)
    assert found["models"]["zero"]["crps"] == pytest.approx(2 * np.log1p(40) / (3 * 62))
    assert found == backtest_forecasts(session, params(first_origin=dt.date(2018, 12, 1),
                                                       last_origin=dt.date(2019, 2, 1)))


def test_no_event_no_backtest(session: Session) -> None:
    with pytest.raises(RuleViolation, match="events: expected stored events to forecast from"):
        backtest_forecasts(session, params())


def test_actor_classes_come_from_the_actor_registry() -> None:
    assert actor_class("jnim") == "jihadist"
    assert actor_class("state.bfa.military") == "state"
    assert actor_class("civilians.mli") == "civilians"
    assert actor_class("no.such.actor") is None
