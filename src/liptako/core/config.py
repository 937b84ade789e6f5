"""One settings object for the whole application, read only when asked for."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# the sentinel that prod refuses; long enough for HS256 (32 bytes) so development raises no
# warning about a short key
DEFAULT_SECRET = "change-me-development-only-never-in-prod"  # noqa: S105
DEFAULT_DATABASE_URL = "sqlite:///var/liptako.db"


class SettingsError(ValueError):
    """Settings that cannot be used to start the system."""


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as ``LIPTAKO_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="LIPTAKO_", extra="ignore", frozen=True)

    env: Literal["dev", "prod", "test"] = "dev"
    # the folder a relative SQLite path is read from (the current folder when unset)
    home: Path | None = None
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = DEFAULT_SECRET
    access_token_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_hours: int = Field(default=12, ge=1, le=7 * 24)
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=1)
    sql_echo: bool = False
    pacts: tuple[str, ...] = ("aes-2023",)
    # where `liptako serve` listens unless told otherwise (and the address `liptako init` gives)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # uvicorn's own access log, one line per request (off when a proxy in front logs them)
    access_log: bool = True
    # the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto the server believes
    # (comma-separated addresses or networks, "*" for any): the client's address (login
    # throttling, logs) and scheme (https links) come from them; anyone else's are ignored
    forwarded_allow_ips: str = "127.0.0.1"
    # log lines as one JSON object each (json) or as plain text; unset: json in prod, else text
    log_format: Literal["json", "text"] | None = None
    # who may read GET /metrics: clients from these networks (CIDR, comma-separated), or any
    # client presenting this bearer token (unset: none)
    metrics_networks: Annotated[tuple[str, ...], NoDecode] = ("127.0.0.1/32", "::1/128")
    metrics_token: str | None = None
    # where `liptako serve`'s processes keep their metrics for one another (emptied at start);
    # unset: a temporary folder removed when the server stops
    metrics_dir: Path | None = None
    # how long the readiness check waits for the database before answering 503
    ready_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    # per server process: connections kept open, and how many more a burst may open; the
    # server runs at most as many requests on the database at once (see README, PostgreSQL)
    db_pool_size: int = Field(default=10, ge=1, le=100)
    db_max_overflow: int = Field(default=5, ge=0, le=100)
    # server-side prepared statements (PostgreSQL): off by default so that a pooler in
    # transaction mode (PgBouncer) can sit between the app and the database
    db_prepared_statements: bool = False
    # PostgreSQL, so that nothing waits on a database that does not answer: how long opening
    # a connection may take, and one statement of a server request (0: no limit); a request
    # that runs out answers 503 with Retry-After
    db_connect_timeout_seconds: int = Field(default=5, ge=1, le=300)
    db_statement_timeout_seconds: float = Field(default=30.0, ge=0)
    # test each pooled connection before a request uses it (one round trip), so that those a
    # database restart cut are replaced instead of failing their request
    db_pool_pre_ping: bool = True
    # how often each server process writes the audit chain's head to its log (0: never)
    audit_anchor_hours: float = Field(default=24.0, ge=0)
    # the address people and alert receivers reach the app at (links in CAP, Atom and
    # e-mails); the local `url` when unset
    public_url: str | None = None
    # the outbox worker (`liptako worker`, started by `liptako serve`): how often it looks for
    # messages due and evaluates the alert rules, how long a claim holds, and the retries
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    alert_evaluate_seconds: float = Field(default=60.0, gt=0)
    # ... and how often it brings the STIX store (what TAXII serves) up to date with the
    # actor registry and the incidents
    stix_publish_seconds: float = Field(default=300.0, gt=0)
    # ... and how often it sends the weekly situation reports that are due
    report_check_seconds: float = Field(default=3600.0, gt=0)
    outbox_lease_seconds: float = Field(default=120.0, gt=0)
    outbox_backoff_seconds: float = Field(default=30.0, gt=0)
    outbox_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    outbox_max_attempts: int = Field(default=12, ge=1)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    # the worker's jobs (imports, scans, re-evaluations, the periodic work above; see
    # docs/jobs.md): how long a claim on one holds (longer than the longest job), and how
    # many attempts, with the outbox's backoff between them
    job_lease_seconds: float = Field(default=3600.0, gt=0)
    job_max_attempts: int = Field(default=5, ge=1)
    # a folder the worker watches for ACLED and UCDP exports to import (off when unset), and
    # how often it looks
    import_dir: Path | None = None
    import_scan_seconds: float = Field(default=30.0, gt=0)
    # e-mail delivery (SMTP); no host: e-mail subscriptions wait in the outbox
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "liptako@localhost"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    # where `liptako backup` / `restore` find pg_dump and pg_restore (PostgreSQL); unset:
    # PATH, then /usr/lib/postgresql/<version>/bin, matching the server's major version
    pg_bin_dir: Path | None = None

    @model_validator(mode="after")
    def _secret_is_set_outside_dev(self) -> Settings:
        if self.env == "prod" and (not self.secret_key or self.secret_key == DEFAULT_SECRET):
            raise SettingsError(
                "LIPTAKO_SECRET_KEY: expected a secret of your own in prod, "
                "got the development default; set LIPTAKO_SECRET_KEY"
            )
        if self.env == "prod" and len(self.secret_key) < 32:
            raise SettingsError(
                f"LIPTAKO_SECRET_KEY: expected at least 32 characters in prod, "
                f"got {len(self.secret_key)}"
            )
        return self

    @field_validator("metrics_networks", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            return value
        networks = []
        for item in (str(i).strip() for i in items):
            if not item:
                continue
            try:
                networks.append(str(ipaddress.ip_network(item, strict=False)))
            except ValueError:
                raise SettingsError(f"LIPTAKO_METRICS_NETWORKS: expected networks in CIDR "
                                    f"form (10.0.0.0/8, ::1/128), got {item!r}") from None
        return tuple(networks)

    @property
    def log_json(self) -> bool:
        """Whether log lines are JSON: as asked, else in prod only."""
        return self.log_format == "json" if self.log_format else self.env == "prod"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def url(self) -> str:
        """The address a browser on this machine opens for the server these settings start:
        one listening on every address (0.0.0.0, ::) answers on 127.0.0.1 too."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host  # noqa: S104
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    @property
    def site_url(self) -> str:
        """The address links point at: ``public_url``, else the local ``url``."""
        return (self.public_url or self.url).rstrip("/")

    @property
    def db_connections(self) -> int:
        """The most database connections one server process opens."""
        return self.db_pool_size + self.db_max_overflow

    @property
    def secure_cookies(self) -> bool:
        return self.env == "prod"

    def sqlite_path(self) -> Path | None:
        """The database file for a file-backed SQLite URL, else None."""
        if not self.is_sqlite:
            return None
        path = self.database_url.split("///", 1)[-1]
        if not path or path == ":memory:":
            return None
        return Path(path)

    @model_validator(mode="after")
    def _sqlite_path_is_absolute(self) -> Settings:
        """A relative SQLite path is read from LIPTAKO_HOME (else the current folder) once,
        here, so that every part of the system opens the same file whatever folder it runs
        in later, and messages can name it."""
        path = self.sqlite_path()
        if path is not None and not path.is_absolute():
            base = (self.home or Path.cwd()).expanduser().resolve()
            head = self.database_url.split("///", 1)[0]
            object.__setattr__(self, "database_url", f"{head}///{base / path}")
        return self


def get_settings(**overrides: object) -> Settings:
    """Read settings from the environment now (never at import time)."""
    return Settings(**overrides)  # type: ignore[arg-type]
