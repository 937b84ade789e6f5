"""The check scripts/first-hour.sh runs against a fresh demo, run here against the live
server (`liptako init` loads the exercise there too)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from factories.auth import PASSWORD

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_first_hour_check_signs_in_and_finds_the_exercise_on_the_map(live_server: str) -> None:
    check = REPO_ROOT / "scripts" / "first_hour_check.py"
    done = subprocess.run([sys.executable, str(check), live_server, "sec", PASSWORD],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "engage Art. 6" in done.stdout
    wrong = subprocess.run([sys.executable, str(check), live_server, "sec", "not-the-password"],
                           capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 1 and "was refused (HTTP 401)" in wrong.stderr


def test_first_hour_script_is_valid_shell() -> None:
    script = REPO_ROOT / "scripts" / "first-hour.sh"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
