"""`liptako report`: situation reports (PDF or HTML)."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from liptako.cli.common import active_account, fail, progress_bar, settings_of, unit_of_work

app = typer.Typer(help="Situation reports for leaders and partners.", no_args_is_help=True)

SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html"}


@app.command("sitrep")
def sitrep(ctx: typer.Context,
           period: str = typer.Option(..., "--period", help="2019-07 (a month), 2019 (a "
                                      "year), 2019-07-15 (a day) or two of them joined by ':'."),
           country: str = typer.Option("all", "--country",
                                       help="all, or a member state: BFA, MLI, NER."),
           lang: str = typer.Option("fr", "--lang", help="fr or en."),
           out: Path = typer.Option(..., "--out", help="The file to write: .pdf or .html."),
           for_user: str | None = typer.Option(
               None, "--for", metavar="USERNAME",
               help="Build the report with what this account may see (and record it as "
                    "built for it). Without it: what the secretariat may see.")) -> None:
    """Build a situation report: headline figures and their trend, a map, charts, the most
    serious incidents, the Charter and assistance, alerts and forecasts, sources; audited."""
    from liptako.audit.service import SYSTEM, Actor
    from liptako.auth.rules import SECRETARIAT
    from liptako.core.clock import utcnow
    from liptako.core.errors import DomainError
    from liptako.reports.service import STEPS, make_sitrep
    from liptako.reports.sitrep import Reader, SitrepRequest

    fmt = SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        fail(f"--out: expected a file ending in .pdf or .html, got {str(out)!r}")
    started = time.monotonic()
    try:
        request = SitrepRequest.parse(period, country, lang)
        with unit_of_work(settings_of(ctx)) as session, progress_bar("sitrep") as bar:
            if for_user is None:
                reader, actor = Reader(None, "secretariat", SECRETARIAT, ("secretariat",)), SYSTEM
            else:
                user = active_account(session, for_user, "--for")
                reader = Reader.of(user)
                actor = Actor(user.id, user.username, user.state)
            task = bar.add_task("sitrep", total=len(STEPS))
            built = make_sitrep(session, request, fmt, reader=reader, actor=actor, now=utcnow(),
                                step=lambda _: bar.advance(task))
    except DomainError as exc:
        fail(exc.detail)
    out.write_bytes(built.content)
    report = built.report
    typer.echo(f"wrote {out} ({fmt.upper()}, {len(built.content):,} bytes, TLP:{report.tlp}) for "
               f"{report.reader.username}: {report.headline[0].now} events, "
               f"{report.headline[1].now} fatalities in {request.period} "
               f"({request.country}); {time.monotonic() - started:.1f}s")


@app.command("weekly")
def weekly(ctx: typer.Context) -> None:
    """Send each active mailing list the situation report of the last complete week, when it
    has not had it (what the worker does every LIPTAKO_REPORT_CHECK_SECONDS; for cron)."""
    from liptako.core.clock import utcnow
    from liptako.reports.weekly import send_weekly

    settings = settings_of(ctx)
    started = time.monotonic()
    with unit_of_work(settings) as session:
        result = send_weekly(session, now=utcnow(), site_url=settings.site_url)
    typer.echo(f"{result.summary()}; {time.monotonic() - started:.1f}s")
    if result.failed:  # the others are committed; cron hears that one did not go
        raise typer.Exit(1)
