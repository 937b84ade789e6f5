"""`liptako charter`: evaluate incidents against a pact (CHARTER_CONTRACT.md), show a pact."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from liptako.charter import Determination, Pact

app = typer.Typer(help="Charter engine: evaluate incidents against a pact; show a pact.",
                  no_args_is_help=True)


class OutputFormat(str, Enum):
    json = "json"
    text = "text"


class Lang(str, Enum):
    en = "en"
    fr = "fr"


def _fail(problems: tuple[str, ...] | list[str]) -> NoReturn:
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(2)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text("utf-8")
    except OSError as exc:
        _fail([f"{path}: expected a readable facts file, got {exc.strerror}"])
    except UnicodeDecodeError:
        _fail([f"{path}: expected UTF-8 JSON, got undecodable bytes"])


FACTS_HELP = (
    "Each incident is a JSON object. id and occurred_on (YYYY-MM-DD) are required; location "
    '({"lat", "lon"} or {"country": ISO3}), perpetrator (kind, state, group_type, actor), '
    "target (kind, party, outside_alliance_area), launched_from, host_permitted, acts and "
    "classification.attack_on_sovereignty may be left out (unknown).\n\n"
    'Example: {"id": "djibo-1", "occurred_on": "2024-05-11", "location": {"lat": 14.1, '
    '"lon": -1.63}, "perpetrator": {"kind": "non_state_armed_group", "group_type": '
    '"jihadist"}, "target": {"kind": "state_forces", "party": "BFA"}}\n\n'
    "Every field, its values and the answer's format: docs/charter-facts.md in the "
    "repository.")


@app.command("evaluate", epilog=FACTS_HELP)
def evaluate(
    facts: str = typer.Argument(..., metavar="FACTS.json",
                                help="One incident object or a list of them ('-' for stdin)."),
    pact: str = typer.Option("aes-2023", "--pact", help="Pact id or path to a pact file."),
    policy: Path | None = typer.Option(None, "--policy", metavar="POLICY.yaml",
                                       help="Settings overriding the pact's default readings."),
    fmt: OutputFormat = typer.Option(OutputFormat.json, "--format", help="json or text."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the reasons."),
    strict: bool = typer.Option(False, "--strict", help="Treat unknown fields as errors."),
) -> None:
    """Evaluate incidents: one JSON result per incident, in input order (exit 2 on bad input)."""
    from liptako.charter import (
        CharterError,
        default_policy,
        evaluate_all,
        load_incidents,
        load_pact,
        load_policy,
        to_json,
    )

    try:
        the_pact = load_pact(pact)
        the_policy = load_policy(policy, the_pact) if policy else default_policy(the_pact)
        parsed = load_incidents(_read(facts), source=facts, strict=strict)
    except CharterError as exc:
        _fail(exc.problems)
    for warning in parsed.warnings:
        typer.echo(f"warning: {warning}", err=True)
    results = evaluate_all(parsed.incidents, the_pact, the_policy, lang=lang.value)
    if fmt is OutputFormat.json:
        typer.echo(to_json(results))
    else:
        typer.echo("\n\n".join(_as_text(d, lang.value) for d in results))


def _as_text(d: Determination, lang: str) -> str:
    where = d.territory or "-"
    space = {True: "yes", False: "no", None: "unknown"}[d.in_common_space]
    force = "in force" if d.in_force else "NOT in force"
    lines = [f"{d.id}  [{d.pact}, {force}]  territory: {where}  common space: {space}"]
    for p in d.provisions:
        head = f"  Art. {p.article:<6} {p.status.upper():<13}"
        parts = []
        if p.owed_by:
            parts.append("owed by " + ", ".join(p.owed_by))
        if p.beneficiary:
            parts.append("to " + p.beneficiary)
        if p.respondent:
            parts.append("respondent " + p.respondent)
        if p.missing:
            parts.append("missing " + ", ".join(p.missing))
        lines.append(head + "; ".join(parts))
        lines.extend(f"      - {r}" for r in p.reasons)
    return "\n".join(lines)


# --- show ---------------------------------------------------------------------------------

_LABELS = {
    "parties": ("Parties", "Parties"),
    "party_columns": (("ISO3", "name", "joined", "withdrawal notified", "left", "dates"),
                      ("ISO3", "nom", "adhésion", "retrait notifié", "sortie", "dates")),
    "verified": ("verified", "vérifiées"), "to_verify": ("to verify", "à vérifier"),
    "settings": ("Policy settings (interpretive readings; override with --policy)",
                 "Réglages d'interprétation (à modifier avec --policy)"),
    "articles": ("Articles", "Articles"),
    "article_columns": (("art.", "numbering", "title and summary", "rule"),
                        ("art.", "numérotation", "titre et résumé", "règle")),
    "unverified": ("unverified", "non vérifiée"),
    "signed": ("Signed {on}", "Signé le {on}"), "at": (" at {at}", " à {at}"),
    "in_force": ("; in force from {on}", "; en vigueur depuis le {on}"),
    "depositary": ("; depositary {who}", "; dépositaire {who}"),
    "withdrawal": ("Withdrawal: effective {months} months after notice",
                   "Retrait : effectif {months} mois après notification"),
    "decision": ("Decision rule", "Règle de décision"), "note": ("Note", "Note"),
}


def _t(key: str, lang: str) -> Any:
    en, fr = _LABELS[key]
    return fr if lang == "fr" else en



def _date(value: object) -> str:
    return "" if value is None else str(value)


def _parties_table(p: Pact, lang: str) -> Table:
    from rich.table import Table

    table = Table(title=_t("parties", lang), title_justify="left")
    for column in _t("party_columns", lang):
        table.add_column(column)
    for party in sorted(p.parties, key=lambda x: x.iso3):
        left = party.exit_on(p.notice_months)
        table.add_row(party.iso3, party.name.get(lang), str(party.joined_on),
                      _date(party.withdrawal_notified_on), _date(left),
                      _t("verified" if party.dates_verified else "to_verify", lang))
    return table


def _word(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _print_settings(p: Pact, lang: str, console: Console) -> None:
    console.print(f"[bold]{_t('settings', lang)}[/bold]")
    for s in p.settings.values():
        choices = " | ".join(_word(c) for c in s.choices)
        console.print(f"  [bold]{s.name}[/bold] = {_word(s.default)}   ({choices})")
        console.print(f"      {s.description.get(lang)}", highlight=False)


def _provisions_table(p: Pact, lang: str) -> Table:
    from rich.table import Table

    table = Table(title=_t("articles", lang), title_justify="left", show_lines=True)
    for column in _t("article_columns", lang):
        table.add_column(column, overflow="fold")
    for prov in p.provisions:
        mark = "✓" if prov.verified_numbering else _t("unverified", lang)
        rule = ""
        if prov.rule is not None:
            r = prov.rule
            rule = f"{r.family}\nowed by: {r.owed_by}\nbeneficiary: {r.beneficiary}"
            where = r.area or r.scope
            rule += f"\nwhere: {where}" if where else ""
        body = f"[bold]{prov.title.get(lang)}[/bold]\n{prov.summary.get(lang)}"
        table.add_row(prov.article, mark, body, rule or "-")
    return table


def render_pact(p: Pact, lang: str, console: Console) -> None:
    """Print a pact readably: identity, parties, decision rule, settings, articles, notes."""
    console.print(f"[bold]{p.title.get(lang)}[/bold] ({p.id}, version {p.version})")
    console.print(_t("signed", lang).format(on=p.signed_on)
                  + (_t("at", lang).format(at=p.signed_at) if p.signed_at else "")
                  + _t("in_force", lang).format(on=p.in_force_from)
                  + (_t("depositary", lang).format(who=p.depositary) if p.depositary else ""))
    art = f" (Art. {p.withdrawal_article})" if p.withdrawal_article else ""
    console.print(_t("withdrawal", lang).format(months=p.notice_months) + art)
    rule = p.decision_rule
    mark = "" if rule.verified_numbering else f", {_t('unverified', lang)}"
    where = f" (Art. {rule.article}{mark})" if rule.article else ""
    console.print(f"{_t('decision', lang)}: {rule.kind}, {rule.body.get(lang)}{where}: "
                  f"{rule.summary.get(lang)}")
    console.print(_parties_table(p, lang))
    _print_settings(p, lang, console)
    console.print(_provisions_table(p, lang))
    for note in p.notes:
        console.print(f"{_t('note', lang)}: {note.get(lang)}")


@app.command("show")
def show(
    pact: str = typer.Argument(..., metavar="PACT", help="Pact id or path to a pact file."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language: en or fr."),
) -> None:
    """Print a pact: articles with verification marks, parties with dates, rules, settings."""
    from rich.console import Console

    from liptako.charter import CharterError, load_pact

    try:
        the_pact = load_pact(pact)
    except CharterError as exc:
        _fail(exc.problems)
    render_pact(the_pact, lang.value, Console(soft_wrap=False))
