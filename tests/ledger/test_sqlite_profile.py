"""The embedded SpatiaLite profile enforces the same ledger invariants (seal check)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT
from tests.test_demo_path import SERVICE_VARIABLES

PROBE = PROJECT_ROOT / "tests" / "ledger" / "sqlite_profile_probe.py"


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env["TANHUI_VAR_DIR"] = str(tmp_path_factory.mktemp("sqlite-ledger"))
    run = [sys.executable, "manage.py"]
    subprocess.run([*run, "migrate", "-v0"], cwd=PROJECT_ROOT, env=env, check=True, timeout=300)
    probe = subprocess.run(
        [*run, "shell", "-c", PROBE.read_text()],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(probe.stdout.strip().splitlines()[-1])


def test_posting_reversal_and_idempotency_work(outcome):
    assert outcome["repeat returns first"] is True
    assert outcome["balances"] == {"equity": -10000, "fund": 8000, "region": 2000}
    assert outcome["verified"] is True


@pytest.mark.parametrize(
    ("attack", "refusal"),
    [
        ("overdraw", "NegativeBalance"),
        ("update posting", "LEDGER_IMMUTABLE"),
        ("delete entry", "LEDGER_IMMUTABLE"),
        ("edit balance", "LEDGER_IMMUTABLE"),
        ("flip non-negative", "LEDGER_IMMUTABLE"),
        ("seal unbalanced", "LEDGER_UNBALANCED"),
    ],
)
def test_attacks_are_refused(outcome, attack, refusal):
    assert refusal in outcome[attack]
