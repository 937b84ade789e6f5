"""`liptako intake`: a report's text becomes a draft incident; the extractor against ACLED."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from liptako.cli.common import Format, fail, progress_bar

if TYPE_CHECKING:
    from liptako.intake.evaluate import Evaluation
    from liptako.intake.schemas import ActorsField, Draft

app = typer.Typer(help="Draft incidents from the text of a field message or a news item.",
                  no_args_is_help=True)


@app.command("extract")
def extract(
    text_file: Path = typer.Option(..., "--text-file", help="The report's text, UTF-8."),
    lang: str | None = typer.Option(None, "--lang", metavar="fr|en",
                                    help="The text's language [default: guessed]."),
    reported_on: str | None = typer.Option(None, "--reported-on", metavar="YYYY-MM-DD",
                                           help="The report's date, against which 'hier' or "
                                                "'on July 31' resolve [default: today, UTC]."),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Print the draft incident a text reports: date, place, event type, fatalities,
    perpetrator and target, each with a confidence and where it came from."""
    from liptako.intake.service import extract as extract_draft

    text = _read_text(text_file)
    if lang is not None and lang not in ("fr", "en"):
        fail(f"--lang: expected fr or en, got {lang!r}")
    day = _report_date(reported_on)
    try:
        draft = extract_draft(text, reported_on=day, lang=lang)
    except ValueError as exc:
        fail(f"--text-file: {exc}")
    if format is Format.json:
        typer.echo(draft.model_dump_json(indent=1))
    else:
        typer.echo(_draft_text(draft))


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        fail(f"--text-file: no file at {path}")
    except OSError as exc:
        fail(f"--text-file: cannot read {path} ({exc.strerror})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"--text-file: expected UTF-8 text, {path} has byte 0x{raw[exc.start]:02x} "
             f"at offset {exc.start}")
    if not text.strip():
        fail(f"--text-file: expected a report's text, {path} is empty")
    return text


def _report_date(value: str | None) -> dt.date:
    if value is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--reported-on: expected a date as YYYY-MM-DD, got {value!r}")


def _draft_text(draft: Draft) -> str:
    """The draft for people: one line per field, its confidence and source in brackets."""
    lines = [f"language     {draft.lang}; reported on {draft.reported_on}"]
    date = draft.date
    lines.append(f"date         {date.value} ({date.confidence:.2f}, {date.phrase!r})"
                 if date.value else "date         not found")
    place = draft.place.value
    if place is None:
        lines.append("place        not found")
    else:
        lines.append(f"place        {place.name}, {place.admin1_name or '?'} ({place.iso3 or '?'})"
                     f" {place.lat:.4f}, {place.lon:.4f} ({place.score:.2f}, {place.matched!r})")
        lines += [f"  or         {c.name}, {c.admin1_name or '?'} ({c.iso3 or '?'}) "
                  f"({c.score:.2f}, {c.matched!r})" for c in draft.place.candidates[1:]]
    kind = draft.event_type
    lines.append(f"event type   {kind.value} ({kind.confidence:.2f})")
    dead = draft.fatalities
    lines.append(f"fatalities   {dead.value} ({dead.confidence:.2f}, "
                 f"{'; '.join(map(repr, dead.phrases)) or 'no phrase of deaths'})")
    lines.append(_actors_line("perpetrator", draft.perpetrator))
    lines.append(_actors_line("target", draft.target))
    return "\n".join(lines)


def _actors_line(label: str, field: ActorsField) -> str:
    if not field.value:
        return f"{label:<12} not found"
    return f"{label:<12} " + "; ".join(
        f"{a.name} [{a.id}] ({a.confidence:.2f}, {a.matched!r})" for a in field.value)


@app.command("evaluate")
def evaluate(
    acled_csv: Path = typer.Argument(..., metavar="ACLED.csv", help="An ACLED CSV export."),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Run the extractor on each row's notes (event_date as the report date) and compare with
    ACLED's coded fields, on the rows after the shipped model's training period only."""
    from liptako.intake.evaluate import evaluate_acled

    started = time.monotonic()
    try:
        with acled_csv.open("rb") as handle, progress_bar("intake evaluate") as bar:
            task = bar.add_task("evaluate", total=None)
            found = evaluate_acled(handle, progress=lambda done, total: bar.update(
                task, completed=done, total=total))
    except FileNotFoundError:
        fail(f"ACLED.csv: no file at {acled_csv}")
    except OSError as exc:
        fail(f"ACLED.csv: cannot read {acled_csv} ({exc.strerror})")
    except ValueError as exc:  # a header without ACLED's columns, a model without its date
        fail(f"ACLED.csv: {exc}")
    if format is Format.json:
        typer.echo(json.dumps(found.as_dict()))
    else:
        typer.echo("\n".join(f"{k:<28} {v}" for k, v in found.as_dict().items()))
    typer.echo(summary_line(found, time.monotonic() - started), err=True)


def summary_line(found: Evaluation, seconds: float) -> str:
    """What was scored, what was skipped and why, and how fast, in one line."""
    rate = f", {found.rows / seconds:.0f} texts/s" if seconds > 0 else ""
    return (f"intake evaluate: {found.rows} rows after {found.trained_until} scored "
            f"(event type {found.event_type_accuracy:.3f}, fatalities "
            f"{found.fatalities_exact:.3f}, place {found.place_within_25km:.3f}, actor1 "
            f"{found.actor1_found:.3f}); skipped {found.skipped_before_training_end} up to the "
            f"model's training end, {found.skipped_without_notes} without notes, "
            f"{found.skipped_invalid} invalid; {seconds:.1f}s{rate}")
