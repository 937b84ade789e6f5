"""The wheel the Dockerfile builds holds what the installed app reads at run time: every data
file of the package (templates, static files, translations, reference data, models) and the
migrations, which live beside src/ and travel as the wheel's data. Built for real from a copy
of what the Dockerfile copies, installed into a prefix of its own, and a database migrated
from that installation alone."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "liptako"
MIGRATIONS = ROOT / "migrations"
DATA = "liptako-0.1.0.data/data/share/liptako/migrations"
# in the package folder but not read at run time: the catalogue template `make i18n` writes
# (the pages read the .po files) and git's own attributes
NOT_SHIPPED = {"messages.pot", ".gitattributes"}


def _package_files() -> set[str]:
    """Every file of the package that is not Python code, as the wheel names it."""
    return {f"liptako/{p.relative_to(PACKAGE).as_posix()}" for p in PACKAGE.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".py", ".pyc")
            and p.name not in NOT_SHIPPED}


def _installed_files() -> list[str]:
    """The files of the liptako this environment runs (the suite's own installation)."""
    return sorted(str(f.locate()) for f in metadata.distribution("liptako").files or [])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip wheel --no-deps .` on the files the Dockerfile's build stage copies."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(ROOT / "src", source / "src", ignore=ignore)
    shutil.copytree(MIGRATIONS, source / "migrations", ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    # the test extra brings the setuptools pyproject asks for: no isolated build, no download
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                           "--no-build-isolation", "--wheel-dir", str(out), str(source)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"pip wheel failed: {done.stderr}"
    (built,) = out.glob("liptako-*.whl")
    return built


def test_the_wheel_holds_the_package_data_and_the_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = _package_files() - names
    assert not missing, f"not in the wheel: {sorted(missing)}"
    revisions = {f"{DATA}/versions/{p.name}" for p in (MIGRATIONS / "versions").glob("*.py")}
    assert revisions and {f"{DATA}/env.py", f"{DATA}/script.py.mako"} | revisions <= names


def test_the_installed_wheel_migrates_a_database(wheel: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    # --ignore-installed: without it pip "upgrades" the environment's own (editable) liptako
    # by uninstalling it before installing into the prefix
    before = _installed_files()
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile",
                    "--ignore-installed", "--quiet", "--prefix", str(prefix), str(wheel)],
                   check=True, timeout=120)
    assert _installed_files() == before, "the environment's own liptako was touched"
    (site,) = prefix.glob("lib/python3*/site-packages")
    # only the installation: no checkout on the path, run from elsewhere
    env = {**os.environ, "PYTHONPATH": str(site),
           "LIPTAKO_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}
    # where the installation finds its migrations, then `liptako db upgrade`: one process
    code = ("import sys; import liptako.core.migrate as m; print(m.__file__); "
            "print(m.migrations_dir()); from liptako.cli.main import main; "
            "sys.argv = ['liptako', 'db', 'upgrade']; main()")
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    module, folder, said = done.stdout.strip().split("\n")
    assert Path(module).is_relative_to(site)
    assert Path(folder) == (prefix / "share" / "liptako" / "migrations").resolve()
    heads = [re.search(r"^revision\s*=\s*['\"](\w+)['\"]", p.read_text(), re.M)
             for p in (MIGRATIONS / "versions").glob("*.py")]
    assert said == f"database at revision {max(h.group(1) for h in heads if h)}"
