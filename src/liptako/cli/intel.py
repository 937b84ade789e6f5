"""`liptako intel`: STIX 2.1 intelligence exchange (publish, export, import)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from liptako.cli.common import active_account, fail, settings_of, unit_of_work

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from liptako.audit.service import Actor
    from liptako.auth.releasability import Viewer

app = typer.Typer(help="Intelligence exchange in STIX 2.1 with partners.", no_args_is_help=True)


def _reader(session: Session, username: str, option: str) -> tuple[Actor, Viewer]:
    from liptako.audit.service import Actor
    from liptako.auth.releasability import Viewer

    user = active_account(session, username, option)
    return (Actor(user.id, user.username, user.state),
            Viewer(user.id, user.state, tuple(user.roles)))


@app.command("publish")
def publish(ctx: typer.Context,
            as_user: str | None = typer.Option(None, "--as", metavar="USERNAME",
                                               help="Record the publication as made by this "
                                                    "account.")) -> None:
    """Bring the STIX store up to date with the actor registry and the incidents (never an
    exercise's): a new version only of what changed, revocations of what was deleted;
    audited."""
    from liptako.cli.warning import actor_of
    from liptako.core.clock import utcnow
    from liptako.core.errors import DomainError
    from liptako.intel.service import registry as effective_registry
    from liptako.obligations.stix_publish import publish as publish_store

    started = time.monotonic()
    try:
        with unit_of_work(settings_of(ctx)) as session:
            done = publish_store(session, registry=effective_registry(session),
                                 actor=actor_of(session, as_user), now=utcnow())
    except DomainError as exc:
        fail(exc.detail)
    kinds = ", ".join(f"{n} {kind}" for kind, n in done.stored.items()) or "nothing changed"
    typer.echo(f"published {done.total} new STIX versions ({kinds}; {done.revoked} revoked) "
               f"in {time.monotonic() - started:.1f}s")


@app.command("export")
def export(ctx: typer.Context,
           for_user: str = typer.Option(..., "--for", metavar="USERNAME",
                                        help="Export what this account may see."),
           out: Path = typer.Option(..., "--out", help="The bundle's file (JSON)."),
           actor: str | None = typer.Option(None, "--actor", metavar="ACTOR_ID",
                                            help="Only what is about this registry actor.")
           ) -> None:
    """Write the STIX 2.1 bundle one account may read (published first), sorted: the same
    bytes when nothing changed."""
    from liptako.core.clock import utcnow
    from liptako.core.errors import DomainError
    from liptako.intel.service import registry as effective_registry
    from liptako.intel.stix_export import dumps
    from liptako.obligations.stix_publish import export_bundle

    started = time.monotonic()
    try:
        with unit_of_work(settings_of(ctx)) as session:
            by, viewer = _reader(session, for_user, "--for")
            bundle = export_bundle(session, viewer, registry=effective_registry(session),
                                   by=by, now=utcnow(), actor_id=actor)
    except DomainError as exc:
        fail(exc.detail)
    out.write_text(dumps(bundle) + "\n", encoding="utf-8")
    typer.echo(f"exported {len(bundle['objects'])} STIX objects readable by {for_user} to "
               f"{out} in {time.monotonic() - started:.1f}s")


@app.command("import")
def import_(ctx: typer.Context,
            file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                        help="A STIX 2.1 bundle (JSON)."),
            as_user: str = typer.Option(..., "--as", metavar="USERNAME",
                                        help="The account the bundle is received from: its "
                                             "state becomes the originator.")) -> None:
    """Import a partner's STIX 2.1 bundle: refused whole if the OASIS validator finds an
    error, else each new version stored and merged with the actor registry; audited."""
    from liptako.core.clock import utcnow
    from liptako.core.errors import DomainError
    from liptako.intel.service import registry as effective_registry
    from liptako.intel.stix_import import InvalidBundle, import_bundle

    try:
        bundle = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        fail(f"{file}: expected a JSON STIX bundle ({exc})")
    try:
        with unit_of_work(settings_of(ctx)) as session:
            sender, viewer = _reader(session, as_user, "--as")
            result = import_bundle(session, bundle, sender=sender, viewer=viewer,
                                   registry=effective_registry(session), channel="cli",
                                   now=utcnow())
    except InvalidBundle as refused:
        for message in refused.messages:
            typer.echo(message, err=True)
        fail(f"{file}: refused, nothing stored ({len(refused.messages)} validator error(s))")
    except DomainError as exc:
        fail(exc.detail)
    for stix_id, message in result.failures:
        typer.echo(f"refused {stix_id}: {message}", err=True)
    typer.echo(f"imported {file}: {len(result.stored)} stored, {len(result.duplicates)} "
               f"already stored, {len(result.failures)} refused, {len(result.actors)} actors "
               f"merged with the registry")
