"""`liptako init`: migrate, load the shipped reference data, make sure an admin exists."""

from __future__ import annotations

import gzip
import hashlib
import io
import time
from importlib.resources import files
from typing import TYPE_CHECKING

import typer

from liptako.cli import exercise as exercise_cli
from liptako.cli.common import settings_of, unit_of_work
from liptako.core.errors import DomainError

if TYPE_CHECKING:
    from liptako.core.config import Settings

ACLED_SAMPLE = "acled_sample_2018_2019.csv.gz"


def init(
    ctx: typer.Context,
    admin_username: str = typer.Option("admin", help="Name of the first administrator."),
    sample: bool = typer.Option(True, help="Load the attributed ACLED sample (demo data)."),
    exercise: bool = typer.Option(True, help="Load the command-post exercise (demo data, "
                                  "every record marked EXERCISE) the first time."),
) -> None:
    """Prepare a database for use; safe to run again (nothing is loaded twice)."""
    from liptako.core import migrate

    settings = settings_of(ctx, ready=False)
    started = time.monotonic()
    migrate.upgrade(settings)
    loaded = _reference(settings)
    if sample:
        fresh = _acled_sample(settings)
        loaded += fresh
        if fresh:  # the sample's hotspots and forecast, for the map's layers on a first look
            _sample_scan(ctx)
            _sample_forecast(ctx)
            _sample_publish(ctx)
    if exercise:
        loaded += _exercise(settings)
    _first_admin(settings, admin_username)
    done = ", ".join(loaded) if loaded else "nothing new to load"
    typer.echo(f"init: database ready ({done}); {time.monotonic() - started:.1f}s")
    typer.echo(f"`liptako serve` will answer on {settings.url}")


def _reference(settings: Settings) -> list[str]:
    from liptako.audit import service as audit
    from liptako.core import reference
    from liptako.core.clock import utcnow

    loaded = []
    with unit_of_work(settings) as session:
        for name in reference.DATASETS:
            result = reference.load_reference(session, name, now=utcnow())
            if result.loaded:
                audit.record(session, actor=audit.SYSTEM, action="reference.load",
                             target_type="reference_dataset", target_id=name, now=utcnow(),
                             detail={"rows": result.rows})
                loaded.append(f"{name} {result.rows}")
    return loaded


def _acled_sample(settings: Settings) -> list[str]:
    from liptako.cli.ingest import load_parsed
    from liptako.core import reference
    from liptako.core.clock import utcnow
    from liptako.ingest.acled import read_acled

    blob = files("liptako.ingest").joinpath("data", ACLED_SAMPLE).read_bytes()
    with unit_of_work(settings) as session:
        if reference.is_loaded(session, "acled_sample"):
            return []
    text = io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(blob)), encoding="utf-8",
                            newline="")
    counts, bad = load_parsed(settings, read_acled(text, today=utcnow().date()),
                              batch_size=2000)
    with unit_of_work(settings) as session:
        reference.mark_loaded(session, "acled_sample", digest=hashlib.sha256(blob).hexdigest(),
                              rows=counts.inserted, now=utcnow())
    return [f"ACLED sample {counts.inserted} events ({len(bad)} rejected)"]


def _sample_scan(ctx: typer.Context) -> None:
    """A hotspot scan of the sample's last two years, as `liptako warning scan` makes it
    (fewer Gi* permutations: a first look, not an analysis)."""
    from liptako.cli import warning

    warning.scan(ctx, first=None, last=None, area=warning.ScanArea.adm1,
                 event_types=[warning.EventType.battle,
                              warning.EventType.explosion_remote_violence,
                              warning.EventType.violence_against_civilians],
                 unit=warning.Unit.month, replications=999, gi_permutations=999,
                 seed=12345678, max_share=0.5, max_radius_km=None, max_duration=None,
                 for_state=None, as_user=None)


def _sample_forecast(ctx: typer.Context) -> None:
    """The forecast of the six months after the sample, as `liptako forecast run` makes it."""
    from liptako.cli import forecast

    forecast.run(ctx, months=6, samples=1000, seed=12345678, for_state=None, as_user=None)


def _sample_publish(ctx: typer.Context) -> None:
    """The sample's armed groups and sightings in the STIX store, as `liptako intel publish`
    makes them, so that the exchange page and TAXII have something to serve."""
    from liptako.cli import intel

    intel.publish(ctx, as_user=None)


def _exercise(settings: Settings) -> list[str]:
    """The exercise, the first time only: once cleared, `liptako exercise load` brings it
    back."""
    from liptako.exercise import service as exercise_service

    with unit_of_work(settings) as session:
        if exercise_service.was_loaded(session):
            return []
    try:
        loaded = exercise_cli.load(settings)
    except DomainError as exc:  # the rest of init does not depend on it
        typer.echo(f"exercise not loaded: {exc.detail}", err=True)
        return []
    exercise_cli.accounts_hint()
    return [exercise_cli.summary(loaded)]


def _first_admin(settings: Settings, username: str) -> None:
    from liptako.audit import service as audit
    from liptako.auth import service as auth
    from liptako.auth.passwords import random_password
    from liptako.core.clock import utcnow

    with unit_of_work(settings) as session:
        if auth.count_admins(session) > 0:
            typer.echo("An administrator already exists: log in with the password given then "
                       "(or create another with `liptako users create`).")
            return
        password = random_password()
        auth.create_user(session, username=username, password=password, state="SEC",
                         roles=["admin", "secretariat"], actor=audit.SYSTEM, now=utcnow(),
                         full_name="First administrator")
    typer.echo("")
    typer.echo(f"A first administrator was created. Log in at {settings.url} with")
    typer.echo(f"  username: {username}")
    typer.echo(f"  password: {password}")
    typer.echo("This password is shown only once: keep it now.")
    typer.echo("")
