"""A posted 2024 run of the Xin'an pilot, with its statements issued to a throwaway media root."""

import pytest

from compensation import settlement
from compensation.channels import Period
from compensation.statements.issue import issue_statements
from tests.compensation.settlement.conftest import (  # noqa: F401 - fixtures
    checker,
    english,
    maker,
    pilot,
    programme,
    xinan,
)


@pytest.fixture
def issued(pilot, maker, checker):  # noqa: F811 - the imported fixtures
    run = settlement.start_run(programme=pilot, period=Period.year(2024), by=maker)
    run = settlement.calculate(run, by=maker, inline=True)
    settlement.approve(run, by=checker, reason="checked")
    settlement.post(run, by=checker)
    return issue_statements(run, by=checker, inline=True)
