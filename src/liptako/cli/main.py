"""The `liptako` command."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from liptako.cli import (
    actors,
    alerts,
    audit,
    backup,
    charter,
    db,
    events,
    exercise,
    forecast,
    ingest,
    intake,
    intel,
    jobs,
    obligations,
    report,
    setup,
    store,
    users,
    warning,
    worker,
)
from liptako.cli.common import fail, settings_of
from liptako.core.config import SettingsError, get_settings

app = typer.Typer(
    help="liptako: collective-security information system for the Liptako-Gourma Charter.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(audit.app, name="audit")
app.add_typer(ingest.app, name="ingest")
app.add_typer(events.app, name="events")
app.add_typer(actors.app, name="actors")
# the store moved under `liptako warning store`; the old name stays for scripts that use it
app.add_typer(store.app, name="analytics", help="The analytics store (the same commands as "
              "`liptako warning store`).")
app.add_typer(exercise.app, name="exercise")
app.add_typer(warning.app, name="warning")
app.add_typer(forecast.app, name="forecast")
app.add_typer(alerts.app, name="alerts")
app.add_typer(intel.app, name="intel")
app.add_typer(intake.app, name="intake")
app.add_typer(report.app, name="report")
app.command("worker")(worker.worker)
app.add_typer(jobs.app, name="jobs")
charter.app.command("reevaluate")(obligations.reevaluate)
app.add_typer(charter.app, name="charter")
app.command("init")(setup.init)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)


@app.callback()
def root(ctx: typer.Context) -> None:
    """Read the settings (LIPTAKO_* environment variables) once per command."""
    try:
        ctx.obj = get_settings()
    except (ValidationError, SettingsError) as exc:
        fail(f"settings: {exc}")


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="Address to listen on [default: LIPTAKO_HOST, "
                                    "else 127.0.0.1]."),
    port: int | None = typer.Option(None, min=1, max=65535, help="Port to listen on "
                                    "[default: LIPTAKO_PORT, else 8000]."),
    workers: int = typer.Option(1, min=1, help="Worker processes."),
    outbox_worker: bool = typer.Option(True, "--outbox-worker/--no-outbox-worker",
                                       help="Start one `liptako worker` beside the server "
                                       "(alert rules and deliveries)."),
) -> None:
    """Serve the web app and the API (and, unless told not to, one alert worker)."""
    from liptako.cli import serving

    settings = settings_of(ctx)
    host = settings.host if host is None else host
    port = settings.port if port is None else port
    typer.echo(f"liptako on http://{host}:{port} ({settings.env}, {workers} worker(s))")
    serving.serve(host, port, workers=workers, outbox_worker=outbox_worker,
                  json_logs=settings.log_json, metrics_dir=settings.metrics_dir,
                  forwarded_allow_ips=settings.forwarded_allow_ips)


def main() -> None:
    app()
