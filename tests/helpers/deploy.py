"""The deployment files read as their tools read them: a `liptako` command line checked
against the CLI, systemd units and a Dockerfile parsed into their instructions."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import typer
import typer.core

from liptako.cli.main import app

ROOT = Path(__file__).resolve().parents[2]


class NotACommand(ValueError):
    """An argv that `liptako` would refuse."""


def check_argv(argv: list[str]) -> Any:
    """The command ``argv`` (``liptako ...``) runs, parsed the way the CLI parses it (never
    run); raises NotACommand when it names no command or passes an option it does not have."""
    if argv[0].rsplit("/", 1)[-1] != "liptako":
        raise NotACommand(f"expected the liptako command, got {argv}")
    command: Any = typer.main.get_command(app)
    rest = argv[1:]
    while isinstance(command, typer.core.TyperGroup):
        sub = command.get_command(typer.Context(command), rest[0]) if rest else None
        if sub is None:
            raise NotACommand(f"{argv}: expected a command of `liptako {command.name or ''}`")
        command, rest = sub, rest[1:]
    try:
        command.make_context(command.name, list(rest))
    except Exception as exc:  # the CLI library's usage errors (vendored by typer)
        raise NotACommand(f"{argv}: {exc}") from exc
    return command


def unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit: section -> key -> values (a key may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, value = line.split("=", 1)
            current.setdefault(key.strip(), []).append(value.strip())
    return sections


def dockerfile(path: Path) -> list[list[tuple[str, str]]]:
    """A Dockerfile's stages, each a list of (INSTRUCTION, arguments), continuations joined."""
    text = re.sub(r"\\\n", " ", path.read_text())
    stages: list[list[tuple[str, str]]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            stages.append([])
        stages[-1].append((word.upper(), " ".join(rest.split())))
    return stages


def shell_words(line: str) -> list[str]:
    return shlex.split(line)


def healthcheck_argv() -> list[str]:
    """The image's HEALTHCHECK command (exec form)."""
    (check,) = [arg for kind, arg in dockerfile(ROOT / "Dockerfile")[-1]
                if kind == "HEALTHCHECK"]
    argv: list[str] = json.loads(check.split(" CMD ", 1)[1])
    return argv
