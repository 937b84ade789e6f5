"""Observability: /metrics (format, counters by route template, database figures, access),
the request id (header, log lines, audit entries) and readiness."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories.incidents import report
from liptako.audit import service as audit
from liptako.audit.models import AuditEntry
from liptako.core import outbox
from liptako.core.config import Settings
from liptako.core.logs import JsonFormatter, TextFormatter, bind_request_id, unbind_request_id
from liptako.warning.models import ScanRun
from liptako.web.app import create_app

LOCAL = ("127.0.0.1", 50000)
OUTSIDE = ("203.0.113.9", 50000)
INCIDENT_ROUTE = "/api/v1/incidents/{incident_id}"
# a database that does not answer: enough where only the access rules or the headers matter
CLOSED = Settings(env="test", database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, parsed by prometheus_client's own parser."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _scrape(client: TestClient, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]],
                                                        float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return _samples(response.text)


def _requests(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], route: str,
              status: str) -> float:
    key = ("liptako_http_requests_total",
           (("method", "GET"), ("route", route), ("status", status)))
    return found.get(key, 0.0)


@pytest.fixture
def local(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, client=LOCAL) as test_client:
        yield test_client


def test_metrics_count_requests_by_route_template(local: TestClient) -> None:
    before = _scrape(local)
    for incident_id in (5, 6, 7):  # three paths, one route
        assert local.get(f"/api/v1/incidents/{incident_id}").status_code == 401
    local.get("/no/such/page")
    after = _scrape(local)
    assert _requests(after, INCIDENT_ROUTE, "401") - _requests(before, INCIDENT_ROUTE, "401") \
        == 3
    assert _requests(after, "unmatched", "404") - _requests(before, "unmatched", "404") == 1
    routes = {dict(labels).get("route") for _name, labels in after}
    assert not any(r and ("/5" in r or "/no/such" in r) for r in routes), routes
    latency = ("liptako_http_request_duration_seconds_count",
               (("method", "GET"), ("route", INCIDENT_ROUTE)))
    assert after[latency] - before.get(latency, 0) == 3
    assert after[("liptako_db_pool_size", ())] >= 1
    assert after[("liptako_process_resident_memory_bytes", ())] > 0


def test_metrics_read_the_outbox_and_the_last_import_and_scan(local: TestClient,
                                                            session: Session) -> None:
    now = dt.datetime.now(dt.UTC)
    hour_ago = now - dt.timedelta(hours=1)
    outbox.enqueue(session, channel="webhook", destination="https://example.org/hook",
                   payload="{}", idempotency_key="metrics-test", topic="test", now=hour_ago)
    audit.record(session, actor=audit.SYSTEM, action="incident.import", target_type="import",
                 target_id="acled", now=hour_ago)
    outbox.enqueue(session, channel="job", destination="scan", payload="{}",
                   idempotency_key="metrics-test-job", topic="job:scan",
                   now=now - dt.timedelta(minutes=2))
    session.add(_scan_run(now - dt.timedelta(minutes=5)))
    session.flush()
    found = _scrape(local)
    assert found[("liptako_database_up", ())] == 1
    message, job = (("kind", "message"), ("status", "pending")), (("kind", "job"),
                                                                 ("status", "pending"))
    assert found[("liptako_outbox_messages", message)] >= 1
    assert found[("liptako_outbox_messages", job)] >= 1
    assert found[("liptako_outbox_oldest_pending_age_seconds", (("kind", "message"),))] >= 3600
    assert 120 <= found[("liptako_outbox_oldest_pending_age_seconds", (("kind", "job"),))] \
        < 3600
    imported = found[("liptako_last_import_timestamp_seconds", (("source", "acled"),))]
    assert imported >= hour_ago.timestamp() - 1
    assert found[("liptako_last_scan_timestamp_seconds", ())] >= (now.timestamp() - 301)


def _scan_run(at: dt.datetime) -> ScanRun:
    return ScanRun(ran_at=at, ran_by=None, ran_by_name="system", tlp="GREEN",
                   originator="SEC", audience="", starts_on=dt.date(2024, 1, 1),
                   ends_on=dt.date(2024, 12, 31), time_unit="month", periods=12,
                   area_level="adm2", event_types=["battle"], replications=9,
                   gi_permutations=0, seed=1, max_share=0.5, max_radius_km=None,
                   max_duration=3, events=0, skipped=0, seconds=0.1, categories={})


def test_metrics_are_refused_outside_the_networks_without_the_token() -> None:
    with TestClient(create_app(CLOSED), client=OUTSIDE) as outside:
        refused = outside.get("/metrics")
        assert refused.status_code == 403
        assert refused.json()["code"] == "permission_denied"
        assert outside.get("/metrics", headers={"Authorization": "Bearer guess"}) \
            .status_code == 403


def test_metrics_are_granted_with_the_token() -> None:
    token = "scrape-" + "x" * 30
    with TestClient(create_app(CLOSED.model_copy(update={"metrics_token": token})),
                    client=OUTSIDE) as outside:
        assert outside.get("/metrics").status_code == 403
        assert outside.get("/metrics", headers={"Authorization": f"Bearer {token}x"}) \
            .status_code == 403
        granted = outside.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert granted.status_code == 200
    found = _samples(granted.text)
    # the database did not answer: the scrape says so and still gives the process's figures
    assert found[("liptako_database_up", ())] == 0
    assert not [name for name, _labels in found
                if name == "liptako_outbox_oldest_pending_age_seconds"]
    assert any(name == "liptako_http_requests_total" for name, _labels in found)


def test_metrics_networks_are_the_settings() -> None:
    app = create_app(CLOSED.model_copy(update={"metrics_networks": ("203.0.113.0/24",)}))
    with TestClient(app, client=OUTSIDE) as outside:
        assert outside.get("/metrics").status_code == 200
    with TestClient(app, client=LOCAL) as local:
        assert local.get("/metrics").status_code == 403


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The app's log lines as JSON, as `liptako serve` writes them with LIPTAKO_LOG_FORMAT=json."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("liptako")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield out
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_the_request_id_reaches_the_log_lines_and_the_audit_entry(
        client: TestClient, auth, session: Session,  # type: ignore[no-untyped-def]
        json_lines: io.StringIO) -> None:
    headers = {**auth("awa_mli_analyst"), "X-Request-ID": "proxy-7f3a9c21"}
    created = client.post("/api/v1/incidents", json=report(), headers=headers)
    assert created.status_code == 201, created.text
    assert created.headers["x-request-id"] == "proxy-7f3a9c21"
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    access = [x for x in lines if x["logger"] == "liptako.access"
              and x["path"] == "/api/v1/incidents" and x["method"] == "POST"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "proxy-7f3a9c21"
    assert line["status"] == 201
    assert line["route"] == "/api/v1/incidents"
    assert line["duration_ms"] >= 0
    assert {"time", "level", "message"} <= set(line)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "incident.create")
                            .order_by(AuditEntry.seq.desc())).first()
    assert entry is not None
    assert entry.request_id == "proxy-7f3a9c21"
    assert audit.verify_chain(session).intact


def test_a_missing_or_insane_request_id_is_replaced() -> None:
    with TestClient(create_app(CLOSED)) as client:
        for sent in (None, "short", "has spaces in it", "x" * 65, 'quo"te12345'):
            headers = {} if sent is None else {"X-Request-ID": sent}
            got = client.get("/api/v1/health", headers=headers).headers["x-request-id"]
            assert got != sent
            assert len(got) == 32 and int(got, 16) >= 0


def test_the_command_line_writes_no_request_id(session: Session) -> None:
    entry = audit.record(session, actor=audit.SYSTEM, action="test.cli", target_type="test",
                         target_id=None, now=dt.datetime.now(dt.UTC))
    session.flush()
    assert entry.request_id is None


def test_ready_when_the_database_answers_at_the_schema_head(local: TestClient) -> None:
    response = local.get("/api/v1/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_not_ready_when_the_database_is_unreachable() -> None:
    with TestClient(create_app(CLOSED)) as client:
        response = client.get("/api/v1/ready")
        assert client.get("/api/v1/health").status_code == 503  # the API contract's health
    assert response.status_code == 503
    assert response.headers["retry-after"] == "10"
    assert response.json()["status"] == "unavailable"
    assert "unreachable" in response.json()["reason"]


def test_not_ready_before_the_schema_is_migrated(tmp_path: Path) -> None:
    empty = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    with TestClient(create_app(empty)) as client:
        response = client.get("/api/v1/ready")
    assert response.status_code == 503
    assert "revision none" in response.json()["reason"]


def test_log_lines_carry_the_request_id_in_either_format() -> None:
    record = logging.LogRecord("liptako.test", logging.WARNING, __file__, 1, "disk %s", ("full",),
                               None)
    token = bind_request_id("rid-12345678")
    try:
        line = json.loads(JsonFormatter().format(record))
        text = TextFormatter("%(levelname)s: %(message)s").format(record)
    finally:
        unbind_request_id(token)
    assert line["request_id"] == "rid-12345678"
    assert (line["level"], line["logger"], line["message"]) == ("warning", "liptako.test",
                                                               "disk full")
    assert line["time"].endswith("Z")
    assert text == "WARNING: disk full [rid-12345678]"
    assert json.loads(JsonFormatter().format(record))["request_id"] is None  # outside
