"""The layer order of STYLE.md, enforced by import-linter on every run."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


# public names that merely start with an underscore: SQLAlchemy's Row._mapping, the named
# tuple's methods, lxml's documented element type
PUBLIC_UNDERSCORED = {"_mapping", "_asdict", "_replace", "_fields", "_make", "_Element"}
FRAMEWORKS = ("uvicorn", "fastapi", "starlette", "sqlalchemy", "alembic", "pydantic")


def _private_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__") and node.attr not in PUBLIC_UNDERSCORED \
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            found.append(f"line {node.lineno}: .{node.attr}")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(FRAMEWORKS):
            parts = (node.module or "").split(".") + [a.name for a in node.names]
            found += [f"line {node.lineno}: {node.module} {p}" for p in parts
                      if p.startswith("_") and not p.startswith("__")]
    return found


def test_no_private_api_of_a_library_is_used() -> None:
    """No private attribute of another object (a library's internals) and no private module or
    name of the frameworks: an upgrade of uvicorn, FastAPI or SQLAlchemy cannot break us
    behind their documented interfaces."""
    offences = {}
    for path in sorted((ROOT / "src" / "liptako").rglob("*.py")):
        found = _private_uses(ast.parse(path.read_text(), filename=str(path)))
        if found:
            offences[str(path.relative_to(ROOT))] = found
    assert offences == {}


def test_the_private_api_check_sees_what_it_looks_for() -> None:
    tree = ast.parse("import logging\nfrom sqlalchemy.orm.attributes import _x\n"
                     "logging._srcfile = None\nkey = column.table._autoincrement_column\n"
                     "self._own = 1\nrow._mapping\n")
    assert _private_uses(tree) == ["line 2: sqlalchemy.orm.attributes _x",
                                   "line 3: ._srcfile", "line 4: ._autoincrement_column"]


def test_without_chromium_the_browser_tests_skip_in_one_line_but_fail_in_ci() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "LIPTAKO_TEST_CHROMIUM": "/nonexistent/chromium", "CI": ""}
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "tests/browser/test_pages.py", "tests/core/test_config.py", "-x"]
    here = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert here.returncode == 0, here.stdout[-2000:]
    said = [line for line in here.stdout.splitlines() if "apt-get install chromium" in line]
    assert len(said) == 1 and " browser tests skipped: " in said[0], here.stdout[-2000:]
    ci = subprocess.run(args, cwd=root, env={**env, "CI": "true"}, capture_output=True,
                        text=True, timeout=300, check=False)
    assert ci.returncode != 0 and "apt-get install chromium" in ci.stdout
