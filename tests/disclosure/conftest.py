"""The posted Xin'an world (tests/portal/conftest.py) and releasing parts of it."""

import pytest

from config.roles import AUDITOR, ECOLOGY, FINANCE, OPERATOR
from disclosure import services
from disclosure.models import Release
from pilots.models import OperatorAssignment, Region
from tests.compensation.channels.conftest import DOWNSTREAM, UPSTREAM
from tests.compensation.settlement.conftest import user_in
from tests.compensation.statements.conftest import render_all
from tests.portal.conftest import (  # noqa: F401 - fixtures
    english,
    pilot,
    programme,
    stated,
    xinan,
)

# Usernames no page text could hold by chance: the walk looks for every one of them.
TAG = "zq7x"


@pytest.fixture(autouse=True)
def _generous_rate(settings):
    """A walk sends hundreds of requests from one address: the limit has its own test."""
    settings.PUBLIC_RATE_LIMIT = "100000/minute"


@pytest.fixture
def maker(db):
    return user_in(FINANCE, f"maker-{TAG}")


@pytest.fixture
def checker(db):
    return user_in(FINANCE, f"checker-{TAG}")


@pytest.fixture
def world(stated):  # noqa: F811 - the imported fixture
    """The posted Xin'an 2024 run (statements created, not rendered) and one user per role."""
    users = {
        "finance": user_in(FINANCE, f"finance-{TAG}"),
        "ecology": user_in(ECOLOGY, f"ecology-{TAG}"),
        "auditor": user_in(AUDITOR, f"auditor-{TAG}"),
        "operator": user_in(OPERATOR, f"operator-{TAG}"),
    }
    OperatorAssignment.objects.create(
        user=users["operator"], region=Region.objects.get(code=UPSTREAM)
    )
    return {"run": stated, "users": users, "own": UPSTREAM, "other": DOWNSTREAM}


@pytest.fixture
def rendered(world):
    """`world` with its statements rendered: issued, with digests and files."""
    render_all(world["run"])
    return world


@pytest.fixture
def officials(db):
    """Two finance officials: one proposes, the other approves."""
    return user_in(FINANCE, f"release-maker-{TAG}"), user_in(FINANCE, f"release-checker-{TAG}")


def release(officials, kind, pilot_programme, *, action=Release.Action.RELEASE, **target):
    """`kind` of `pilot_programme` (and `target`), proposed by one official, approved by another."""
    proposer, approver = officials
    proposal = services.propose_release(
        kind=kind, programme=pilot_programme, by=proposer, action=action, **target
    )
    return services.approve_release(proposal, by=approver)


@pytest.fixture
def public_world(rendered, officials):
    """The pilot's data and its posted 2024 run released, by two finance officials."""
    run = rendered["run"]
    rendered["pilot_release"] = release(officials, Release.Kind.PILOT, run.programme)
    rendered["run_release"] = release(officials, Release.Kind.RUN, run.programme, run=run)
    return rendered
