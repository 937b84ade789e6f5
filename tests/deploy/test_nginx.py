"""deploy/nginx/liptako.conf, the file docs/deploy.md tells operators to install, run by a real
nginx in front of a real ``liptako serve``: HTTPS answers, HTTP redirects to it, an oversized
body stops at nginx, and the app believes the forwarded scheme and client address from the
proxy's address only (``LIPTAKO_FORWARDED_ALLOW_IPS``), never from a client that sends them
itself.

The loopback network is all 127.0.0.0/8 on Linux, so the test speaks from distinct local
addresses: nginx reaches the app from 127.0.0.1 (trusted by default), a second trusted proxy is
127.0.0.4 (added through the setting), a client straight at the app is 127.0.0.2, the client of
nginx is 127.0.0.3.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from helpers.deploy import healthcheck_argv
from helpers.served import free_port
from liptako.core import migrate
from liptako.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "deploy" / "nginx" / "liptako.conf"
NGINX = "/usr/sbin/nginx"
LIPTAKO = str(Path(sys.executable).with_name("liptako"))
TAXII = {"Accept": "application/taxii+json;version=2.1"}
SPOOF = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}

pytestmark = pytest.mark.skipif(not os.access(NGINX, os.X_OK),
                                reason=f"nginx is not installed ({NGINX}; Debian package "
                                "`nginx`, which .ci/run installs)")


@dataclass(frozen=True)
class Stack:
    https_port: int
    http_port: int
    app_port: int
    context: ssl.SSLContext
    app_log: Path


def _wait_for(port: int, proc: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, f"{what} stopped: {log.read_text()[-2000:]}"
        assert time.monotonic() < deadline, f"{what} did not listen within 60 s"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, made now."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def render(sample: str, values: dict[str, str]) -> str:
    """The sample with its @NAME@ placeholders replaced, as docs/deploy.md's sed does."""
    for name, value in values.items():
        sample = sample.replace(f"@{name}@", value)
    left = [line for line in sample.splitlines() if "@" in line.split("#", 1)[0]]
    assert not left, f"placeholders left: {left}"
    return sample


def _nginx_conf(folder: Path, site: Path) -> Path:
    """The main configuration around the site file: everything in ``folder``, foreground."""
    temp = "\n".join(f"  {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # the workers read the temp folder
    conf = folder / "nginx.conf"
    conf.write_text(f"daemon off;\n{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
                    f"error_log {folder / 'error.log'} warn;\n"
                    "events { worker_connections 64; }\n"
                    # nginx's own line names the request as the app's lines do
                    "http {\n  log_format with_id '$request_id $remote_addr \"$request\"';\n"
                    f"  access_log {folder / 'access.log'} with_id;\n{temp}\n"
                    f"  include {site};\n}}\n")
    return conf


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("nginx")
    url = f"sqlite:///{folder / 'app.db'}"
    migrate.upgrade(Settings(env="test", database_url=url))
    app_port, https_port, http_port = free_port(), free_port(), free_port()
    env = {**os.environ, "LIPTAKO_DATABASE_URL": url, "LIPTAKO_ENV": "dev",
           "LIPTAKO_FORWARDED_ALLOW_IPS": "127.0.0.1,127.0.0.4", "LIPTAKO_LOG_FORMAT": "json"}
    app_log = folder / "app.log"
    with app_log.open("w") as out:
        app = subprocess.Popen([LIPTAKO, "serve", "--port", str(app_port),
                                "--no-outbox-worker"], env=env, stdout=out,
                               stderr=subprocess.STDOUT, start_new_session=True)
    cert, key = _certificate(folder)
    site = folder / "liptako.conf"
    site.write_text(render(SAMPLE.read_text(), {
        "SERVER_NAME": "localhost", "HTTP_PORT": str(http_port), "HTTPS_PORT": str(https_port),
        "APP_ADDRESS": f"127.0.0.1:{app_port}", "TLS_CERTIFICATE": str(cert),
        "TLS_CERTIFICATE_KEY": str(key)}))
    conf = _nginx_conf(folder, site)
    checked = subprocess.run([NGINX, "-t", "-p", str(folder), "-e", str(folder / "error.log"),
                              "-c", str(conf)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen([NGINX, "-p", str(folder), "-e", str(folder / "error.log"),
                              "-c", str(conf)], stderr=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        _wait_for(app_port, app, "liptako serve", app_log)
        _wait_for(https_port, nginx, "nginx", folder / "error.log")
        yield Stack(https_port, http_port, app_port,
                    ssl.create_default_context(cafile=str(cert)), app_log)
    finally:
        _stop(nginx)
        _stop(app)


def _https(stack: Stack) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection("localhost", stack.https_port, context=stack.context,
                                       source_address=("127.0.0.3", 0), timeout=30)


def _direct(stack: Stack, source: str) -> http.client.HTTPConnection:
    """A client speaking to the app itself, not through nginx, from ``source``."""
    return http.client.HTTPConnection("127.0.0.1", stack.app_port, timeout=30,
                                      source_address=(source, 0))


def _get(conn: http.client.HTTPConnection, path: str,
         headers: dict[str, str]) -> http.client.HTTPResponse:
    conn.request("GET", path, headers=headers)
    return conn.getresponse()


def _discovered(conn: http.client.HTTPConnection, **headers: str) -> tuple[str, str]:
    """The API root the TAXII discovery names (built by the app from the scheme and host it
    believes the client used) and the request's id (the app's answer says it)."""
    answer = _get(conn, "/taxii2/", {**TAXII, **headers})
    assert answer.status == 200, answer.read()
    return str(json.loads(answer.read())["default"]), answer.headers["X-Request-ID"]


def _access_lines(stack: Stack) -> list[dict[str, Any]]:
    lines = [json.loads(x) for x in stack.app_log.read_text().splitlines() if x.startswith("{")]
    return [x for x in lines if x["logger"] == "liptako.access"]


def _client_logged(stack: Stack, request_id: str) -> str:
    """The client address the app's access log gives for the request ``request_id``."""
    for _ in range(50):
        found = [x for x in _access_lines(stack) if x["request_id"] == request_id]
        if found:
            return str(found[-1]["client"]).rsplit(":", 1)[0]
        time.sleep(0.1)
    raise AssertionError(f"no access log line for request {request_id}")


def test_https_answers_through_nginx(stack: Stack) -> None:
    with closing(_https(stack)) as conn:
        answer = _get(conn, "/api/v1/health", {})
        assert answer.status == 200
        assert json.loads(answer.read()) == {"status": "ok", "database": "ok"}
        assert conn.sock.version() in ("TLSv1.2", "TLSv1.3")


def test_http_redirects_to_https(stack: Stack) -> None:
    with closing(http.client.HTTPConnection("localhost", stack.http_port, timeout=30)) as conn:
        answer = _get(conn, "/api/v1/health?x=1", {})
        assert answer.status == 301
        assert answer.headers["Location"] == "https://localhost/api/v1/health?x=1"


def test_a_body_over_the_limit_stops_at_nginx(stack: Stack) -> None:
    limit = Settings(env="test").max_body_bytes
    with closing(_https(stack)) as conn:
        conn.putrequest("POST", "/api/v1/incidents")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(limit + 1))
        conn.endheaders()
        answer = conn.getresponse()
        body = answer.read()
    assert answer.status == 413
    assert b"nginx" in body and answer.headers["Content-Type"].startswith("text/html")
    # the app never saw it
    assert not [x for x in _access_lines(stack) if x["path"] == "/api/v1/incidents"]


def test_the_app_believes_the_proxy(stack: Stack) -> None:
    """Through nginx, links are https and the client is the one nginx saw, whatever the client
    claimed in its own forwarded headers."""
    lying = {"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.9"}
    with closing(_https(stack)) as conn:
        root, request_id = _discovered(conn, **lying)
    assert root == "https://localhost/taxii2/aes/"
    assert _client_logged(stack, request_id) == "127.0.0.3"
    # nginx names the request ($request_id, 32 hex digits) and the app keeps that name
    nginx_log = (stack.app_log.parent / "access.log").read_text()
    assert re.fullmatch(r"[0-9a-f]{32}", request_id) and request_id in nginx_log


def test_a_client_straight_at_the_app_is_not_believed(stack: Stack) -> None:
    with closing(_direct(stack, "127.0.0.2")) as conn:
        root, request_id = _discovered(conn, **SPOOF)
    assert root.startswith("http://127.0.0.1:")
    assert _client_logged(stack, request_id) == "127.0.0.2"


def test_the_allowed_proxies_come_from_the_setting(stack: Stack) -> None:
    """127.0.0.4 is trusted only because LIPTAKO_FORWARDED_ALLOW_IPS names it."""
    with closing(_direct(stack, "127.0.0.4")) as conn:
        root, request_id = _discovered(conn, **SPOOF)
    assert root.startswith("https://127.0.0.1:")
    assert _client_logged(stack, request_id) == "203.0.113.9"


def test_the_image_health_check_asks_the_server(stack: Stack) -> None:
    """The Dockerfile's HEALTHCHECK, run as the image runs it: healthy while the server
    answers, unhealthy where none listens."""
    python, flag, code = healthcheck_argv()
    assert python == "python"
    for port, healthy in ((stack.app_port, True), (free_port(), False)):
        done = subprocess.run([sys.executable, flag, code], capture_output=True, timeout=30,
                              env={**os.environ, "LIPTAKO_PORT": str(port)}, check=False)
        assert (done.returncode == 0) is healthy, done.stderr
