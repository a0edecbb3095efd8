"""The embedded SpatiaLite profile enforces the same ledger invariants (seal check)."""

import json

import pytest

from tests.conftest import PROJECT_ROOT
from tests.processes import embedded_env, manage

PROBE = PROJECT_ROOT / "tests" / "ledger" / "sqlite_profile_probe.py"


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    env = embedded_env(tmp_path_factory.mktemp("sqlite-ledger"))
    manage(env, "migrate", "-v0")
    probe = manage(env, "shell", "-c", PROBE.read_text())
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
