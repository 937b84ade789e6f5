"""Load: the locust scenario of `bench/_locustfile.py` against `liptako serve` on PostgreSQL.

A database of its own on the server (dropped at the end whatever happens), migrated and loaded
as `liptako init` loads it, seeded with an analyst and a liaison officer for each member state
and a secretariat officer; `liptako serve --workers N` on a free port; locust headless with
`--users` users for `--seconds`. Prints requests, throughput, p50 and p99 overall and per
group, then checks the audit chain (`liptako audit verify`) and that every write the server
acknowledged is in the database. Exits 1 on any error, broken chain or missing write.

    .venv/bin/python bench/load.py [--users 64] [--seconds 60] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from _load_http import call, page_cookie

HERE = Path(__file__).resolve().parent
LIPTAKO = [sys.executable, "-m", "liptako"]  # as `liptako serve` starts its worker
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STATES = ("BFA", "MLI", "NER")
CAPITALS = {"MLI": (12.64, -8.0), "BFA": (12.37, -1.52), "NER": (13.51, 2.11)}
BASELINE_USERS = 6  # one per unit of the roles' weights: 3 analysts, 2 liaison, 1 secretariat
GROUPS = ("map", "incident", "report", "assistance", "taxii")
TABLES = {"incident": "incident", "assistance_request": "assistance_request",
          "pledge": "assistance_pledge"}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    # a SIGTERM unwinds like Ctrl-C: the server is stopped and the database dropped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = make_url(args.server_url)
    name = f"liptako_load_{uuid.uuid4().hex[:10]}"
    url = server.set(database=name).render_as_string(hide_password=False)
    with tempfile.TemporaryDirectory(prefix="liptako-load-") as tmp, _database(server, name):
        env = {**os.environ, "LIPTAKO_DATABASE_URL": url}
        started = time.monotonic()
        _run([*LIPTAKO, "init", *([] if args.sample else ["--no-sample", "--no-exercise"])], env)
        accounts = _seed_accounts(env)
        print(f"load: database {name} ready in {time.monotonic() - started:.1f}s "
              f"({len(accounts)} seeded accounts)")
        with _serve(env, args.workers, Path(tmp) / "serve.log") as base:
            print(f"load: server up at {time.monotonic() - started:.1f}s")
            scenario = _prepare(base, url, accounts)
            print(f"load: scenario ready at {time.monotonic() - started:.1f}s")
            baseline = (_locust(base, scenario, Path(tmp), BASELINE_USERS, args.baseline_seconds)
                        if args.baseline_seconds else None)
            outcome = _locust(base, scenario, Path(tmp), args.users, args.seconds)
        return _report(outcome, baseline, env, url, args)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline-seconds", type=int, default=10,
                        help=f"first run the mix with {BASELINE_USERS} users for this long, the "
                             "baseline of the p50 ratios (0: none)")
    parser.add_argument("--server-url", default=os.environ.get("LIPTAKO_LOAD_SERVER", SERVER),
                        help="a PostgreSQL server on which to create the scratch database")
    parser.add_argument("--no-sample", dest="sample", action="store_false",
                        help="migrate and load the reference data only (no ACLED sample, "
                             "no exercise): the suite's quick run")
    args = parser.parse_args(argv)
    if args.users < 1 or args.seconds < 1 or args.workers < 1:
        parser.error("--users, --seconds and --workers: expected at least 1")
    return args


@contextmanager
def _database(server: URL, name: str) -> Iterator[None]:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"load: {' '.join(command[3:])} failed ({done.returncode}):\n"
                         f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def _seed_accounts(env: dict[str, str]) -> dict[str, dict[str, str]]:
    """An analyst and a liaison officer per member state, a secretariat officer: name ->
    {state, role, password}, created as `liptako users create` creates them (audited)."""
    from liptako.audit import service as audit
    from liptako.auth import service as auth
    from liptako.cli.common import unit_of_work
    from liptako.core.clock import utcnow
    from liptako.core.config import Settings

    wanted = [(s, r) for s in STATES for r in ("analyst", "liaison")] + [("SEC", "secretariat")]
    accounts = {f"load-{s.lower()}-{r}": {"state": s, "role": r,
                                          "password": secrets.token_urlsafe(18)}
                for s, r in wanted}
    with unit_of_work(Settings(database_url=env["LIPTAKO_DATABASE_URL"])) as session:
        for username, account in accounts.items():
            auth.create_user(session, username=username, password=account["password"],
                             state=account["state"], roles=[account["role"]],
                             actor=audit.SYSTEM, now=utcnow(), full_name=username)
    return accounts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serve(env: dict[str, str], workers: int, log: Path) -> Iterator[str]:
    """The server's base address once it answers; its process group stopped at the end."""
    port = _free_port()
    env = {**env, "LIPTAKO_ENV": "dev", "LIPTAKO_ACCESS_LOG": "false"}
    with log.open("w") as out:
        proc = subprocess.Popen([*LIPTAKO, "serve", "--port", str(port), "--workers",
                                 str(workers)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"load: the server did not start:\n{log.read_text()[-2000:]}")
                try:
                    call(base, "GET", "/api/v1/health", expect=200)
                    break
                except OSError:
                    time.sleep(0.2)
            yield base
        finally:
            _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _prepare(base: str, url: str, accounts: dict[str, dict[str, str]]) -> dict[str, Any]:
    """What the locust users share: each account's API token and page cookie, an attack on
    each state (Art. 6 engaged for it, so that its liaison officer may ask for assistance),
    incidents to read, the month of the report and the map's twelve months up to it."""
    def sign_in(username: str) -> None:
        account = accounts[username]
        account["token"] = call(base, "POST", "/api/v1/auth/token", expect=200, form={
            "username": username, "password": account["password"]})["access_token"]
        account["cookie"] = page_cookie(base, username, account["password"])

    with ThreadPoolExecutor(len(accounts)) as pool:  # password hashing: the slow part
        list(pool.map(sign_in, accounts))
    liaisons = {a["state"]: a for a in accounts.values() if a["role"] == "liaison"}
    attacks = {state: _attack(base, liaisons[state]["token"], state) for state in STATES}
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ids = list(conn.scalars(text("SELECT id FROM incident WHERE deleted_at IS NULL "
                                         "ORDER BY id DESC LIMIT 500")))
            last = conn.scalar(text("SELECT max(occurred_on) FROM incident WHERE NOT exercise "
                                    "AND deleted_at IS NULL AND source <> 'national'"))
    finally:
        engine.dispose()
    last = last or dt.date.today()
    first = dt.date(last.year - (last.month < 12), last.month % 12 + 1, 1)
    return {"accounts": accounts, "attacks": attacks, "incidents": ids,
            "month": f"{last:%Y-%m}",  # the report's; the map shows the year up to it
            "map": f"from={first:%Y-%m-%d}&to={last:%Y-%m-%d}",
            "writes": [{"kind": "incident", "id": i} for i in attacks.values()]}


def _attack(base: str, token: str, state: str) -> int:
    """An armed attack by a hostile state on ``state``'s capital, reported by its liaison
    officer: the Charter engine engages Art. 6 with ``state`` as the beneficiary."""
    lat, lon = CAPITALS[state]
    made = call(base, "POST", "/api/v1/incidents", expect=201, token=token, body={
        "occurred_on": time.strftime("%Y-%m-%d"), "event_type": "battle",
        "location": {"lat": lat, "lon": lon},
        "fatalities": 3, "perpetrator": {"kind": "international_organization"},
        "target": {"kind": "territory"}, "description": f"Load bench: attack on {state}",
        "tlp": "GREEN"})
    return int(made["id"])


def _locust(base: str, scenario: dict[str, Any], tmp: Path, users: int,
            seconds: int) -> dict[str, Any]:
    """Locust headless in a process of its own; what its users measured and wrote."""
    (tmp / "scenario.json").write_text(json.dumps(scenario))
    out = tmp / f"out-{users}.json"
    env = {**os.environ, "LIPTAKO_LOAD_SCENARIO": str(tmp / "scenario.json"),
           "LIPTAKO_LOAD_OUT": str(out)}
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "_locustfile.py"),
               "--headless", "--users", str(users), "--spawn-rate", str(min(users, 16)),
               "--run-time", f"{seconds}s", "--stop-timeout", "30", "--host", base,
               "--only-summary", "--loglevel", "WARNING"]
    started = time.monotonic()
    # locust exits 1 when a request failed: the failures are counted below from its samples
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False,
                          timeout=seconds + 180)
    elapsed = time.monotonic() - started
    if not out.exists():
        raise SystemExit(f"load: locust wrote no results ({done.returncode}):\n"
                         f"{done.stdout[-2000:]}{done.stderr[-3000:]}")
    outcome: dict[str, Any] = json.loads(out.read_text())
    outcome["seconds"] = min(elapsed, float(seconds))
    return outcome


def _percentile(values: list[float], share: float) -> float:
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, int(share * len(ranked)))] if ranked else 0.0


def _line(label: str, samples: list[list[Any]], seconds: float,
          baseline: list[list[Any]] | None) -> str:
    times = [s[2] for s in samples if label in ("all", s[0])]
    p50 = _percentile(times, 0.50)
    line = (f"{label:<11} {len(times):>8} {len(times) / seconds:>8.1f} {p50:>8.0f} "
            f"{_percentile(times, 0.99):>8.0f}")
    if baseline is None:
        return line
    alone = _percentile([s[2] for s in baseline if label in ("all", s[0])], 0.50)
    return line + f" {alone:>12.0f} {p50 / alone if alone else 0:>6.1f}"


def _report(outcome: dict[str, Any], baseline: dict[str, Any] | None, env: dict[str, str],
            url: str, args: argparse.Namespace) -> int:
    samples, seconds = outcome["samples"], outcome["seconds"]
    base = None if baseline is None else baseline["samples"]
    print(f"{args.users} users for {args.seconds}s against {args.workers} worker(s)"
          + ("" if base is None else f"; baseline: {BASELINE_USERS} users for "
             f"{args.baseline_seconds}s just before"))
    print(f"{'group':<11} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
          + ("" if base is None else f" {'baseline p50':>12} {'ratio':>6}"))
    for group in (*GROUPS, "all"):
        print(_line(group, samples, seconds, base))
    errors = [s for s in samples + (base or []) if s[3] is not None]
    for _group, name, ms, error in errors[:50]:
        print(f"error: {name} ({ms:.0f} ms): {error}")
    chain = subprocess.run([*LIPTAKO, "audit", "verify"], env=env, capture_output=True,
                           text=True, timeout=600, check=False)
    print((chain.stdout or chain.stderr).strip())
    writes = list({(w["kind"], w["id"]): w for w in
                   (baseline or {"writes": []})["writes"] + outcome["writes"]}.values())
    missing = _missing_writes(url, writes)
    for write in missing[:50]:
        print(f"missing: {write}")
    failed = bool(errors) or chain.returncode != 0 or bool(missing) or not samples
    print(f"load: {len(samples)} requests, {len(samples) / seconds:.1f} req/s, p50 "
          f"{_percentile([s[2] for s in samples], 0.5):.0f} ms, p99 "
          f"{_percentile([s[2] for s in samples], 0.99):.0f} ms, {len(errors)} errors, audit "
          f"chain {'intact' if chain.returncode == 0 else 'BROKEN'}, "
          f"{len(writes) - len(missing)}/{len(writes)} acknowledged "
          f"writes present: {'FAIL' if failed else 'ok'}")
    return 1 if failed else 0


def _missing_writes(url: str, writes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The acknowledged writes the database does not hold as acknowledged (absent, or at
    another step than the last one the server confirmed)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = {}
            for kind, table in TABLES.items():
                column = "NULL" if kind == "incident" else "status"
                found.update({(kind, row[0]): row[1] for row in conn.execute(
                    text(f"SELECT id, {column} FROM {table}"))})
    finally:
        engine.dispose()
    return [w for w in writes if (w["kind"], w["id"]) not in found
            or found[(w["kind"], w["id"])] != w.get("status")]


if __name__ == "__main__":
    sys.exit(main())
