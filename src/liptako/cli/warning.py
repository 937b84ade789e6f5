"""`liptako warning`: early warning from the stored events."""

from __future__ import annotations

import json
import time
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer

from liptako.cli import store
from liptako.cli.common import fail, settings_of, unit_of_work

if TYPE_CHECKING:
    from liptako.warning.trends import TrendReport

app = typer.Typer(help="Early warning: trend evidence and hotspots from the stored events.",
                  no_args_is_help=True)
app.add_typer(store.app, name="store")


class Area(str, Enum):
    adm1 = "adm1"
    country = "country"


class Format(str, Enum):
    text = "text"
    json = "json"


class Lang(str, Enum):
    en = "en"
    fr = "fr"


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
        typer.echo(json.dumps(_as_json(report, lang.value), ensure_ascii=False))
        return
    _print(report, lang.value)
    counts = {v: sum(1 for c in report.changes if c.verdict == v)
              for v in ("rose", "fell", "noise")}
    tested = sum(1 for c in report.changes if c.verdict != "none")
    typer.echo(f"trends: {len(report.names)} areas, {tested} changes tested: "
               f"{counts['rose']} rose, {counts['fell']} fell, {counts['noise']} within noise; "
               f"{time.monotonic() - started:.1f}s")


def _as_json(report: TrendReport, lang: str) -> dict[str, Any]:
    from liptako.warning.words import METHOD, sentence

    return {
        "area": report.level, "from": str(report.before), "to": str(report.after),
        "method": METHOD[lang],
        "changes": [{
            "area": c.area, "name": report.names[c.area][lang == "fr"], "measure": c.measure,
            "before": c.before, "after": c.after, "rate_ratio": c.rate_ratio, "low": c.low,
            "high": c.high, "dispersion": c.dispersion, "p_value": c.p_value,
            "q_value": c.q_value, "verdict": c.verdict,
            "sentence": sentence(c, report.names[c.area][lang == "fr"], lang),
        } for c in report.changes]}


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
