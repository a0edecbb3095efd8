"""The posted Xin'an world (tests/portal/conftest.py) and releasing parts of it."""

import pytest

from config.roles import AUDITOR, ECOLOGY, FINANCE, OPERATOR
from disclosure.models import Release
from pilots.models import OperatorAssignment, Region
from tests.factories import DOWNSTREAM, UPSTREAM, UserFactory, release, render_all

# Usernames no page text could hold by chance: the walk looks for every one of them.
TAG = "zq7x"


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are read in English in these tests (tests/fixtures.py); pages keep the
    language the request asks for (zh-hans by default)."""


@pytest.fixture(autouse=True)
def _generous_rate(settings):
    """A walk sends hundreds of requests from one address: the limit has its own test."""
    settings.PUBLIC_RATE_LIMIT = "100000/minute"


@pytest.fixture
def maker(db):
    return UserFactory(username=f"maker-{TAG}", group=FINANCE)


@pytest.fixture
def checker(db):
    return UserFactory(username=f"checker-{TAG}", group=FINANCE)


@pytest.fixture
def world(stated):
    """The posted Xin'an 2024 run (statements created, not rendered) and one user per role."""
    users = {
        "finance": UserFactory(username=f"finance-{TAG}", group=FINANCE),
        "ecology": UserFactory(username=f"ecology-{TAG}", group=ECOLOGY),
        "auditor": UserFactory(username=f"auditor-{TAG}", group=AUDITOR),
        "operator": UserFactory(username=f"operator-{TAG}", group=OPERATOR),
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
    return UserFactory(username=f"release-maker-{TAG}", group=FINANCE), UserFactory(
        username=f"release-checker-{TAG}", group=FINANCE
    )


@pytest.fixture
def public_world(rendered, officials):
    """The pilot's data and its posted 2024 run released, by two finance officials."""
    run = rendered["run"]
    rendered["pilot_release"] = release(officials, Release.Kind.PILOT, run.programme)
    rendered["run_release"] = release(officials, Release.Kind.RUN, run.programme, run=run)
    return rendered
