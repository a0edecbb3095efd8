"""The embedded SpatiaLite profile enforces the same ledger invariants (seal check), with the
newest triggers of the migration SQL files."""

import json

import pytest

from tests.conftest import PROJECT_ROOT
from tests.processes import embedded_env, manage
from tests.sql_catalog import expected, installed_sqlite

PROBE = PROJECT_ROOT / "tests" / "ledger" / "sqlite_profile_probe.py"


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    env = embedded_env(tmp_path_factory.mktemp("sqlite-ledger"))
    manage(env, "migrate", "-v0")
    probe = manage(env, "shell", "-c", PROBE.read_text())
    return json.loads(probe.stdout.strip().splitlines()[-1])


def test_posting_reversal_and_idempotency_work(outcome):
    assert outcome["repeat returns first"] is True
    assert outcome["balances"] == {"equity": -10100, "fund": 8100, "region": 2000}
    assert outcome["verified"] is True
    assert outcome["open period"] == "accepted"


@pytest.mark.parametrize(
    ("attack", "refusal"),
    [
        ("overdraw", "NegativeBalance"),
        ("update posting", "LEDGER_IMMUTABLE"),
        ("delete entry", "LEDGER_IMMUTABLE"),
        ("edit balance", "LEDGER_IMMUTABLE"),
        ("flip non-negative", "LEDGER_IMMUTABLE"),
        ("seal unbalanced", "LEDGER_UNBALANCED"),
        ("closed period", "PeriodClosed"),
        ("decided close edited", "LEDGER_IMMUTABLE"),
    ],
)
def test_attacks_are_refused(outcome, attack, refusal):
    assert refusal in outcome[attack]


TRIGGERS = (
    "import json; from django.db import connection; cursor = connection.cursor(); "
    "cursor.execute(\"SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger' "
    "AND (tbl_name LIKE 'ledger~_%' ESCAPE '~' OR tbl_name LIKE 'passthrough~_%' ESCAPE '~')\"); "
    "print(json.dumps(cursor.fetchall()))"
)


def installed_triggers(env):
    rows = manage(env, "shell", "-c", TRIGGERS).stdout.strip().splitlines()[-1]
    return installed_sqlite(json.loads(rows))


def test_catch_up_migration_brings_shipped_triggers_to_the_newest_and_back(tmp_path):
    env = embedded_env(tmp_path)
    # Pass-through needs a newer ledger: taking the ledger back to 0003 takes it out whole.
    shipped = {"ledger": "0004_current_triggers", "passthrough": "0000"}
    as_shipped = expected("sqlite", before=shipped)[1]
    newest = expected("sqlite")[1]
    assert as_shipped != newest
    manage(env, "migrate", "-v0", "ledger", "0003_set_based_checks")
    assert installed_triggers(env) == as_shipped
    manage(env, "migrate", "-v0")
    assert installed_triggers(env) == newest
    manage(env, "migrate", "-v0", "ledger", "0003_set_based_checks")
    assert installed_triggers(env) == as_shipped
