"""scripts/pick-python chooses an interpreter that can run the SpatiaLite demo."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "pick-python"
PYENV_PYTHON = Path("/root/.pyenv/versions/3.11.7/bin/python3")


def _pick(python):
    return subprocess.run(
        [str(SCRIPT)],
        env={"PATH": "/usr/bin:/bin", "PYTHON": str(python)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_venv_interpreter_is_fit():
    result = _pick(sys.executable)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == sys.executable


def test_a_missing_interpreter_is_named():
    result = _pick("/nonexistent/python3")

    assert result.returncode == 1
    assert "/nonexistent/python3: not found" in result.stderr
    assert "No suitable Python found" in result.stderr


@pytest.mark.skipif(not PYENV_PYTHON.exists(), reason="this machine has no pyenv 3.11.7")
def test_a_python_without_loadable_sqlite_extensions_is_refused_with_the_reason():
    result = _pick(PYENV_PYTHON)

    assert result.returncode == 1
    assert "built without loadable extensions" in result.stderr
