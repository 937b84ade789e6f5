"""The deployment files (systemd units, Dockerfile, compose, the nginx sample, the guide) agree
with the code: every command they run is one the CLI has, with options it accepts; the image
runs as a non-root user with a health check and installs the wheel; the guide names every
setting. No Docker daemon here: the files are parsed, not run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers.deploy import (
    ROOT,
    NotACommand,
    check_argv,
    dockerfile,
    healthcheck_argv,
    shell_words,
    unit,
)
from liptako.core.config import Settings

UNITS = ROOT / "deploy" / "systemd"
LIPTAKO = str(Path(sys.executable).with_name("liptako"))


def test_the_command_check_refuses_what_the_cli_refuses() -> None:
    assert check_argv(["liptako", "serve", "--workers", "4", "--no-outbox-worker"]).name == "serve"
    for wrong in (["liptako", "serve", "--worker", "4"], ["liptako", "db"],
                  ["liptako", "migrate"], ["uvicorn", "liptako"]):
        with pytest.raises(NotACommand):
            check_argv(wrong)


@pytest.mark.parametrize(("name", "command"), [("liptako.service", "serve"),
                                               ("liptako-worker.service", "worker")])
def test_units_run_real_commands_hardened(name: str, command: str) -> None:
    service = unit(UNITS / name)["Service"]
    (start,) = service["ExecStart"]
    assert check_argv(shell_words(start)).name == command
    if command == "serve":  # the worker has its own unit: the server starts none
        assert "--no-outbox-worker" in shell_words(start)
    assert service["User"] == ["liptako"]
    assert service["EnvironmentFile"] == ["/etc/liptako/liptako.env"]
    assert service["Restart"] == ["on-failure"]
    assert service["NoNewPrivileges"] == ["true"]
    assert service["ProtectSystem"] == ["strict"]
    assert "/var/lib/liptako" in service["ReadWritePaths"][0].split()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed")
def test_units_pass_systemd_analyze(tmp_path: Path) -> None:
    """systemd's own check, with ExecStart pointing at this machine's `liptako` (it refuses a
    program that does not exist) and nothing else changed."""
    for path in UNITS.glob("*.service"):
        (tmp_path / path.name).write_text(
            path.read_text().replace("/opt/liptako/venv/bin/liptako", LIPTAKO))
    done = subprocess.run(["systemd-analyze", "verify", *map(str, tmp_path.glob("*"))],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert str(tmp_path) not in done.stderr, done.stderr  # unknown keys are only warned about


def test_the_image_builds_the_wheel_and_runs_it_unprivileged() -> None:
    build, run = dockerfile(ROOT / "Dockerfile")
    assert build[0] == ("FROM", "python:3.11-slim AS build")
    assert any(kind == "RUN" and "pip wheel" in arg for kind, arg in build)
    copied = {arg.split()[0] for kind, arg in build if kind == "COPY"}
    assert copied >= {"src", "migrations"}  # what the wheel is made of (test_wheel.py)
    assert run[0] == ("FROM", "python:3.11-slim")
    kinds = [kind for kind, _ in run]
    install = next(i for i, (kind, arg) in enumerate(run)
                   if kind == "RUN" and re.search(r"pip install .*/wheels/\*\.whl", arg))
    assert ("COPY", "--from=build /wheels /wheels") in run[:install]
    user = kinds.index("USER")
    assert user > install and run[user][1] not in ("root", "0")
    assert kinds[-1] == "CMD" and "USER" not in kinds[user + 1:]
    assert ("EXPOSE", "8000") in run
    cmd = json.loads(run[-1][1])
    assert check_argv(cmd).name == "serve" and cmd[-2:] == ["--host", "0.0.0.0"]


def test_the_health_check_asks_the_health_endpoint_with_python_alone() -> None:
    argv = healthcheck_argv()
    assert argv[:2] == ["python", "-c"]
    assert "urllib.request" in argv[2] and "/api/v1/health" in argv[2]
    # test_nginx.py runs it against a real server


def test_dockerignore_lets_the_build_see_its_sources() -> None:
    allowed = {line[1:].rstrip("/") for line in (ROOT / ".dockerignore").read_text().split()
               if line.startswith("!")}
    assert allowed >= {"pyproject.toml", "README.md", "constraints.txt", "src", "migrations"}


def test_compose_runs_postgres_migrations_server_and_worker() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    db = services["db"]
    assert db["image"] == "postgres:15" and db["healthcheck"]["test"]
    assert any(v.split(":")[0] in compose["volumes"] for v in db["volumes"])
    commands = {name: check_argv(s["command"]).name for name, s in services.items()
                if name != "db"}
    assert commands == {"migrate": "init", "app": "serve", "worker": "worker"}
    assert "--no-outbox-worker" in services["app"]["command"]
    for name in ("app", "worker"):
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"}}
    fields = {f"LIPTAKO_{f.upper()}" for f in Settings.model_fields}
    env = services["app"]["environment"]
    assert set(env) <= fields, set(env) - fields
    assert env["LIPTAKO_DATABASE_URL"].startswith("postgresql+psycopg://")


def test_nginx_refuses_bodies_the_app_would_refuse() -> None:
    """client_max_body_size in the sample is the app's default LIPTAKO_MAX_BODY_BYTES."""
    sample = (ROOT / "deploy" / "nginx" / "liptako.conf").read_text()
    (size,) = re.findall(r"^\s*client_max_body_size\s+(\d+)([km]?);", sample, re.M)
    factor = {"": 1, "k": 1024, "m": 1024 * 1024}[size[1]]
    assert int(size[0]) * factor == Settings(env="test").max_body_bytes
    assert re.search(r"^\s*ssl_protocols TLSv1\.2 TLSv1\.3;", sample, re.M)


def test_the_sample_says_how_to_fill_every_placeholder() -> None:
    """The sed line in the sample's header fills every @NAME@ the configuration uses."""
    lines = (ROOT / "deploy" / "nginx" / "liptako.conf").read_text().splitlines()
    used = {m for line in lines if not line.lstrip().startswith("#")
            for m in re.findall(r"@([A-Z_]+)@", line)}
    filled = {m for line in lines if line.lstrip().startswith("#")
              for m in re.findall(r"s[/#]@([A-Z_]+)@[/#]", line)}
    assert used and used == filled, (used, filled)


def test_the_guide_names_every_setting() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text()
    named = set(re.findall(r"LIPTAKO_[A-Z_]+[A-Z]", guide))
    fields = {f"LIPTAKO_{f.upper()}" for f in Settings.model_fields}
    assert not fields - named, f"docs/deploy.md: settings not described: {fields - named}"
    assert not named - fields, f"docs/deploy.md: no such settings: {named - fields}"
