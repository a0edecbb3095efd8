"""A posted 2024 run of the Xin'an pilot, with its statements issued to a throwaway media root."""

import pytest

from compensation.periods import Period
from compensation.settlement import planning, posting, states
from compensation.statements.issue import issue_statements, render_statement
from tests.compensation.settlement.conftest import (  # noqa: F401 - fixtures
    checker,
    english,
    maker,
    pilot,
    programme,
    xinan,
)


def posted_run(pilot_programme, started_by, approved_by):
    run = planning.start_run(programme=pilot_programme, period=Period.year(2024), by=started_by)
    run = planning.calculate(run, by=started_by, inline=True)
    states.approve(run, by=approved_by, reason="checked")
    return posting.post(run, by=approved_by)


@pytest.fixture
def issued(pilot, maker, checker):  # noqa: F811 - the imported fixtures
    return issue_statements(posted_run(pilot, maker, checker), by=checker, inline=True)


@pytest.fixture
def stated(pilot, maker, checker):  # noqa: F811 - the imported fixtures
    """Posted, with its statements created but not rendered (no worker runs in these tests).

    Rendering PDFs is most of the cost of `issued`; tests of access to statements need
    the rows, and the few that download files render those (`render_all`)."""
    return issue_statements(posted_run(pilot, maker, checker), by=checker)


def render_all(run) -> None:
    for statement in run.statements.all():
        render_statement(statement.pk)
