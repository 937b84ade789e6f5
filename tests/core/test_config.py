from pathlib import Path

import pytest
from pydantic import ValidationError

from liptako.core.config import DEFAULT_SECRET, Settings, get_settings


def test_environment_is_read_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIPTAKO_DATABASE_URL", "sqlite:////srv/elsewhere.db")
    assert get_settings().database_url == "sqlite:////srv/elsewhere.db"
    monkeypatch.setenv("LIPTAKO_DATABASE_URL", "postgresql+psycopg://x@h/db")
    assert get_settings().database_url == "postgresql+psycopg://x@h/db"
    assert not get_settings().is_sqlite


def test_default_database_is_local_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIPTAKO_DATABASE_URL", raising=False)
    monkeypatch.delenv("LIPTAKO_HOME", raising=False)
    settings = get_settings()
    assert settings.is_sqlite
    assert settings.sqlite_path() == Path.cwd().resolve() / "var" / "liptako.db"


def test_prod_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="LIPTAKO_SECRET_KEY"):
        Settings(env="prod", secret_key=DEFAULT_SECRET)
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env="prod", secret_key="short")
    assert Settings(env="prod", secret_key="x" * 40).env == "prod"
    assert Settings(env="dev").secret_key == DEFAULT_SECRET


def test_importing_the_app_reads_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import liptako.web.app

    monkeypatch.setenv("LIPTAKO_ENV", "prod")  # would fail if read at import
    importlib.reload(liptako.web.app)


@pytest.mark.parametrize(("host", "port", "url"), [
    ("127.0.0.1", 8000, "http://127.0.0.1:8000"),
    ("0.0.0.0", 9000, "http://127.0.0.1:9000"),
    ("::", 8000, "http://127.0.0.1:8000"),
    ("::1", 8080, "http://[::1]:8080"),
    ("liptako.example", 443, "http://liptako.example:443"),
])
def test_the_url_a_browser_opens_for_the_server(host: str, port: int, url: str) -> None:
    assert Settings(host=host, port=port).url == url


def test_metrics_networks_are_a_cidr_list() -> None:
    settings = Settings(metrics_networks="10.0.0.0/8, 192.168.1.5")  # type: ignore[arg-type]
    assert settings.metrics_networks == ("10.0.0.0/8", "192.168.1.5/32")
    assert Settings().metrics_networks == ("127.0.0.1/32", "::1/128")
    with pytest.raises(ValueError, match="LIPTAKO_METRICS_NETWORKS: expected networks in CIDR"):
        Settings(metrics_networks="10.0.0.0/8,intranet")  # type: ignore[arg-type]


def test_log_lines_are_json_in_prod_unless_told() -> None:
    secret = "s" * 40
    assert Settings(env="prod", secret_key=secret).log_json
    assert not Settings(env="prod", secret_key=secret, log_format="text").log_json
    assert not Settings(env="dev").log_json
    assert Settings(env="dev", log_format="json").log_json
