"""`liptako warning`: early warning from the stored events."""

from __future__ import annotations

import datetime as dt
import json
import time
from enum import Enum
from typing import TYPE_CHECKING

import typer

from liptako.cli import store
from liptako.cli.common import Format, active_account, fail, settings_of, unit_of_work

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from liptako.audit.service import Actor
    from liptako.warning.models import ScanRun
    from liptako.warning.schemas import ScanParameters
    from liptako.warning.trends import TrendReport

app = typer.Typer(help="Early warning: trend evidence and hotspots from the stored events.",
                  no_args_is_help=True)
app.add_typer(store.app, name="store")


class Area(str, Enum):
    adm1 = "adm1"
    country = "country"



class Lang(str, Enum):
    en = "en"
    fr = "fr"


class ScanArea(str, Enum):
    adm1 = "adm1"


class Unit(str, Enum):
    week = "week"
    month = "month"


class EventType(str, Enum):
    battle = "battle"
    explosion_remote_violence = "explosion_remote_violence"
    violence_against_civilians = "violence_against_civilians"
    protest = "protest"
    riot = "riot"
    strategic_development = "strategic_development"


class Audience(str, Enum):
    BFA = "BFA"
    MLI = "MLI"
    NER = "NER"
    SEC = "SEC"


@app.command("trends")
def trends(
    ctx: typer.Context,
    area: Area = typer.Option(Area.adm1, "--area", help="Compare admin-1 units or countries."),
    before: str = typer.Option(..., "--from", metavar="PERIOD",
                               help="The earlier period: YYYY, YYYY-MM, YYYY-MM-DD, or two "
                                    "joined by ':' (2019-01:2019-06)."),
    after: str = typer.Option(..., "--to", metavar="PERIOD", help="The later period, alike."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the sentences."),
    by_type: bool = typer.Option(True, "--by-type/--totals-only",
                                 help="Also test events of each type."),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Where violence rose or fell significantly between two periods, and where the change is
    within noise: a quasi-Poisson rate ratio of weekly counts per area, corrected for the
    number of areas and measures tested (Benjamini-Hochberg). Counts every non-exercise
    event of the registry."""
    from liptako.core.errors import DomainError
    from liptako.warning.trends import parse_period, trend_report

    started = time.monotonic()
    try:
        periods = parse_period(before, "--from"), parse_period(after, "--to")
        with unit_of_work(settings_of(ctx)) as session:
            report = trend_report(session, None, level=area.value, before=periods[0],
                                  after=periods[1], by_type=by_type)
    except DomainError as exc:
        fail(exc.detail)
    if format is Format.json:
        from liptako.warning.words import report_json

        typer.echo(json.dumps(report_json(report, lang.value), ensure_ascii=False))
        return
    _print(report, lang.value)
    counts = {v: sum(1 for c in report.changes if c.verdict == v)
              for v in ("rose", "fell", "noise")}
    tested = sum(1 for c in report.changes if c.verdict != "none")
    typer.echo(f"trends: {len(report.names)} areas, {tested} changes tested: "
               f"{counts['rose']} rose, {counts['fell']} fell, {counts['noise']} within noise; "
               f"{time.monotonic() - started:.1f}s")


def _print(report: TrendReport, lang: str) -> None:
    from liptako.warning.words import HEADINGS, METHOD, sentence

    typer.echo(f"{report.level}: {report.before} → {report.after}")
    for verdict in ("rose", "fell"):
        found = [c for c in report.changes if c.verdict == verdict]
        typer.echo(f"\n{HEADINGS[lang][verdict]} ({len(found)})")
        for c in found:
            typer.echo(f"  {sentence(c, report.names[c.area][lang == 'fr'], lang)}")
    for verdict in ("noise", "none"):
        areas = sorted({report.names[c.area][lang == "fr"] for c in report.changes
                        if c.verdict == verdict and c.measure == "events"})
        typer.echo(f"\n{HEADINGS[lang][verdict]} ({len(areas)}): {', '.join(areas) or '-'}")
    typer.echo(f"\n{METHOD[lang]}")


# the scan's period and effort, shared with `liptako jobs enqueue scan`
SCAN_FROM = typer.Option(None, "--from", metavar="YYYY-MM", help="First month of the study "
                         "period (default: two years before --to).")
SCAN_TO = typer.Option(None, "--to", metavar="YYYY-MM", help="Last month of the study period "
                       "(default: that of the latest event).")
SCAN_REPLICATIONS = typer.Option(999, min=1, help="Monte Carlo replications of the scan.")
SCAN_GI_PERMUTATIONS = typer.Option(9999, "--gi-permutations", min=0, help="Conditional "
                                    "permutations of each Gi* bin (0: normal p-values).")


@app.command("scan")
def scan(
    ctx: typer.Context,
    first: str | None = SCAN_FROM,
    last: str | None = SCAN_TO,
    area: ScanArea = typer.Option(ScanArea.adm1, "--area", help="The units scanned: the 62 "
                                  "shipped admin-1 units."),
    event_types: list[EventType] = typer.Option(
        ["battle", "explosion_remote_violence", "violence_against_civilians"], "--event-type",
        help="Count events of this type (repeat for several)."),
    unit: Unit = typer.Option(Unit.month, "--unit", help="Time unit of the periods."),
    replications: int = SCAN_REPLICATIONS,
    gi_permutations: int = SCAN_GI_PERMUTATIONS,
    seed: int = typer.Option(12345678, min=0, help="Seed of the replications and "
                             "permutations (the same seed gives the same p-values)."),
    max_share: float = typer.Option(0.5, "--max-share", min=0.0, max=1.0, help="Largest "
                                    "share of the scanned units (those with events) in one "
                                    "cluster."),
    max_radius_km: float | None = typer.Option(None, "--max-radius-km", min=0.0,
                                               help="Largest cluster radius in km."),
    max_duration: int | None = typer.Option(None, "--max-duration", min=1, help="Longest "
                                            "cluster, in periods (default: half the study)."),
    for_state: Audience | None = typer.Option(None, "--for", help="Scan for one state's users "
                                              "(see below) instead of for every user."),
    as_user: str | None = typer.Option(None, "--as", metavar="USERNAME",
                                       help="Record the run as made by this account."),
) -> None:
    """Find where violence clusters now: the prospective space-time permutation scan
    (Kulldorff 2005) and Gi* emerging hot spots over the stored events (never an exercise's),
    stored for the map and the API and audited. By default the scan counts only events
    marked CLEAR or GREEN and every user sees it; for one state's users (--for STATE) it
    counts every event all of them may see, and only they see it.
    """
    from liptako.core.errors import DomainError
    from liptako.warning.schemas import ScanParameters

    try:
        with unit_of_work(settings_of(ctx)) as session:
            params = ScanParameters(
                *study_months(session, first, last, for_state, event_types),
                time_unit=unit.value, area_level=area.value,
                event_types=tuple(dict.fromkeys(t.value for t in event_types)),
                replications=replications, gi_permutations=gi_permutations, seed=seed,
                max_share=max_share, max_radius_km=max_radius_km, max_duration=max_duration,
                for_state=for_state.value if for_state else None)
            run = _run(session, params, actor_of(session, as_user))
            line = scan_line(run)
    except DomainError as exc:
        fail(exc.detail)
    typer.echo(line)


def study_months(session: Session, first: str | None, last: str | None,
                  for_state: Audience | None, types: list[EventType],
                  ) -> tuple[dt.date, dt.date]:
    """The first and last month asked, or by default the two years up to the latest event
    the scan would count."""
    from liptako.core.errors import RuleViolation
    from liptako.warning.schemas import DEFAULT_MONTHS, month_shift, parse_month
    from liptako.warning.service import latest_event_day

    if last is not None:
        end = parse_month(last, "--to")
    else:
        day = latest_event_day(session, for_state=for_state.value if for_state else None,
                               event_types=tuple(t.value for t in types))
        if day is None:
            raise RuleViolation("--to: no event to scan, so no latest month; give --to")
        end = day.replace(day=1)
    start = parse_month(first, "--from") if first is not None else \
        month_shift(end, 1 - DEFAULT_MONTHS)
    return start, end


def actor_of(session: Session, username: str | None) -> Actor:
    from liptako.audit.service import SYSTEM, Actor

    if username is None:
        return SYSTEM
    user = active_account(session, username, "--as")
    return Actor(user.id, user.username, user.state)


def _run(session: Session, params: ScanParameters, actor: Actor) -> ScanRun:
    from liptako.cli.common import progress_bar
    from liptako.core.clock import utcnow
    from liptako.warning.service import run_scan

    with progress_bar("scan") as bar:
        task = bar.add_task("scan", total=params.replications)
        return run_scan(session, params, actor=actor, now=utcnow(),
                        progress=lambda done, total: bar.update(task, completed=done,
                                                                total=total))


def scan_line(run: ScanRun) -> str:
    from liptako.warning.service import summary

    found = summary(run)
    best = run.clusters[0] if run.clusters else None
    most = (f" (most likely: {len(best.units)} unit(s) {best.starts_on}..{best.ends_on}, "
            f"{best.observed} events against {best.expected:.1f} expected, p {best.p_value:.3g})"
            if best else "")
    return (f"scan {run.id}: {run.events} events in {len(run.categories)} areas x "
            f"{run.periods} {run.time_unit}s ({run.starts_on}..{run.ends_on}), "
            f"{run.replications} replications: {found['clusters']} clusters, "
            f"{found['significant']} with p <= 0.05{most}; emerging: {found['hot_units']} hot "
            f"spot and {found['cold_units']} cold spot areas; skipped {run.skipped} events "
            f"on no admin unit; shown to {_readers(run)}; {run.seconds:.1f}s")


def _readers(run: ScanRun) -> str:
    return "every user" if run.tlp == "GREEN" else f"{run.originator} only"
