"""`run_scan`: the prospective scan and emerging hot spots over the stored events, stored with
their parameters, audited; the exercise left out; as releasable as what it counted."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.warning import import_events, national_report, planted_cluster
from liptako.audit.models import AuditEntry
from liptako.audit.service import Actor
from liptako.auth.releasability import TLP_LEVELS, Viewer, may_see
from liptako.auth.rules import MEMBER_STATES, ROLES, SECRETARIAT
from liptako.core.errors import RuleViolation
from liptako.incidents.models import Incident
from liptako.warning.analytics.emerging import emerging_hot_spots
from liptako.warning.areas import areas
from liptako.warning.models import ScanRun
from liptako.warning.queries import latest_scan
from liptako.warning.schemas import ScanParameters, study_periods
from liptako.warning.service import event_counts, readable, run_scan

NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
ANALYST = Actor(None, "awa", "MLI")
YEAR_2019 = {"first_month": dt.date(2019, 1, 1), "last_month": dt.date(2019, 12, 1)}


def _params(**overrides: object) -> ScanParameters:
    values: dict[str, object] = {**YEAR_2019, "replications": 99, "gi_permutations": 0,
                                 "seed": 7}
    values.update(overrides)
    return ScanParameters(**values)  # type: ignore[arg-type]


def test_a_planted_cluster_is_found_stored_and_audited(session: Session) -> None:
    pair = planted_cluster(session)
    # never counted: an exercise's report in the pair, a protest (not violence), a deleted one
    national_report(session, pair[0], dt.date(2019, 12, 2), tlp="GREEN", state="NER",
                    exercise=True)
    import_events(session, [(pair[0], dt.date(2019, 12, 3), 5)], first=900,
                  event_type="protest")
    import_events(session, [(pair[0], dt.date(2019, 12, 4), 1)], first=950)
    session.execute(Incident.__table__.update().where(Incident.source_id == "SCAN000950")
                    .values(deleted_at=NOW))
    run = run_scan(session, _params(), actor=ANALYST, now=NOW)

    assert (run.events, run.skipped, run.periods, run.time_unit) == (204, 0, 12, "month")
    best = run.clusters[0]
    assert set(best.units) == set(pair) and best.units[0] in pair
    assert (best.starts_on, best.ends_on) == (dt.date(2019, 10, 1), dt.date(2019, 12, 31))
    # two units with 12 + 30 events each, October to December holding 36 + 60 of 204
    assert best.observed == 66 and best.expected == pytest.approx(84 * 96 / 204)
    inside, outside = 66 / best.expected, (204 - 66) / (204 - best.expected)
    assert best.relative_risk == pytest.approx(inside / outside)
    assert best.p_value == 0.01  # no replication of 99 comes near: 1 / (99 + 1)
    assert [c.rank for c in run.clusters] == list(range(1, len(run.clusters) + 1))
    # Gi* over every unit, with the same counts and seed as a direct call
    grid = areas()
    counts, _ = event_counts(session, _params(), study_periods(_params()), grid)
    direct = emerging_hot_spots(counts, grid.neighbours, permutations=0, seed=7)
    assert run.categories == {code: str(c) for code, c in zip(grid.codes, direct.categories,
                                                                strict=True)}
    # Niamey, whose one neighbour (Tillabéri) has no event, is hot from October only
    assert run.categories[pair[1]] == "consecutive hot spot"

    session.expire_all()
    stored = session.get(ScanRun, run.id)
    assert stored is not None and stored.ran_by_name == "awa" and stored.ran_at == NOW
    assert (stored.replications, stored.gi_permutations, stored.seed, stored.max_duration) \
        == (99, 0, 7, 6)
    assert stored.clusters[0].units == best.units and stored.tlp == "GREEN"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "warning.scan")).one()
    assert entry.target_id == str(run.id) and entry.actor_name == "awa"
    assert entry.detail is not None and entry.detail["parameters"]["first_month"] == "2019-01"


def test_the_same_seed_gives_the_same_p_values(session: Session) -> None:
    planted_cluster(session)
    runs = [run_scan(session, _params(seed=seed, time_unit="week"), actor=ANALYST, now=NOW)
            for seed in (3, 3, 4)]
    first, again, other = ([(c.units, c.llr, c.p_value) for c in r.clusters] for r in runs)
    assert first == again and first[0][:2] == other[0][:2]
    assert runs[0].periods == 53 and runs[0].clusters[0].ends_on == dt.date(2019, 12, 31)


def test_nothing_to_scan_is_said(session: Session) -> None:
    with pytest.raises(RuleViolation, match="expected at least one battle"):
        run_scan(session, _params(event_types=("battle",)), actor=ANALYST, now=NOW)


MARKED = (("CLEAR", "MLI", []), ("GREEN", "NER", []), ("AMBER", "NER", []),
          ("AMBER", "BFA", ["MLI"]), ("AMBER+STRICT", "MLI", []), ("AMBER+STRICT", "NER", []),
          ("RED", "MLI", []))


def test_a_scan_counts_only_what_every_reader_it_is_shown_to_may_see(session: Session) -> None:
    import_events(session, [("MLI-2809", dt.date(2019, m, 1), 2) for m in range(1, 13)])
    for k, (tlp, state, audience) in enumerate(MARKED):
        national_report(session, "MLI-2809", dt.date(2019, 12, 1 + k), tlp=tlp, state=state,
                        audience=audience)
    counted = {}
    for scope in (None, "MLI", "NER", "SEC"):
        run = run_scan(session, _params(for_state=scope, replications=9), actor=ANALYST,
                       now=NOW + dt.timedelta(minutes=len(counted)))
        counted[scope] = run.events - 24
    # CLEAR, GREEN; + BFA's AMBER for MLI and MLI's AMBER+STRICT (not RED: observers);
    # + NER's AMBER+STRICT; the secretariat sees every AMBER
    assert counted == {None: 2, "MLI": 4, "NER": 4, "SEC": 4}
    runs = session.scalars(select(ScanRun).order_by(ScanRun.id)).all()
    viewers = [Viewer(None, state, (role,))
               for state, role in itertools.product((*MEMBER_STATES, SECRETARIAT), ROLES)]
    for run, viewer in itertools.product(runs, viewers):
        if not may_see(viewer, run.tlp, run.originator, run.audience):
            continue
        scope = None if run.tlp == "GREEN" else run.originator
        used = session.scalars(select(Incident).where(readable(scope))).all()
        hidden = [i.tlp for i in used if not may_see(viewer, i.tlp, i.originator, i.audience)]
        assert not hidden, (run.originator, viewer, hidden)
    assert [r.tlp for r in runs] == ["GREEN", *["AMBER+STRICT"] * 3]
    for state, expected in (("MLI", "MLI"), ("BFA", None), ("SEC", "SEC"), ("NER", "NER")):
        latest = latest_scan(session, Viewer(None, state, ("analyst",)))
        assert latest is not None
        assert (None if latest.tlp == "GREEN" else latest.originator) == expected
    assert set(TLP_LEVELS) == {m[0] for m in MARKED}


@pytest.mark.parametrize(("change", "message"), [
    ({"last_month": dt.date(2018, 12, 1)}, "expected --to (2018-12) on or after --from"),
    ({"last_month": dt.date(2019, 1, 1)}, "expected at least 2 months, got 1"),
    ({"time_unit": "day"}, "time unit: expected one of week, month, got 'day'"),
    ({"event_types": ("battle", "massacre")}, "event type: expected one of battle,"),
    ({"event_types": ()}, "event types: expected at least one"),
    ({"for_state": "FRA"}, "for: expected one of BFA, MLI, NER, SEC, got 'FRA'"),
    ({"max_duration": 13}, "max duration: expected 1 to 12 months"),
    ({"seed": -1}, "seed: expected an integer from 0 to"),
    ({"gi_permutations": -1}, "Gi* permutations: expected 0 or more"),
    ({"max_radius_km": math.inf}, "max radius: expected a finite number"),
    ({"first_month": dt.date(2019, 1, 2)}, "first_month: expected the first day of a month"),
])
def test_parameters_say_what_they_expected(change: dict[str, object], message: str) -> None:
    with pytest.raises(RuleViolation, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("*", r"\*")):
        _params(**change)


def test_window_limits_are_checked_by_the_scan(session: Session) -> None:
    import_events(session, [("MLI-2809", dt.date(2019, 5, 1), 1)])
    with pytest.raises(RuleViolation, match="max_share: expected a number in"):
        run_scan(session, _params(max_share=0.0), actor=ANALYST, now=NOW)
