"""Fixtures every folder of the suite may ask for by name (a pytest plugin of tests/conftest.py).

Two pilots, each on real boundaries:
- 黄山市 alone (`huangshan`, `huangshan_pilot`, `plan`), for valuation and supervision;
- Xin'an (`xinan`, `programme`), 黄山市 upstream of 淳安县, market open; `pilot` is that
  programme with all three channels due for 2024 (factories.make_pilot); `stated` and
  `issued` are its posted 2024 run with statements; `world` adds one user per role.
A folder's conftest may still define a fixture of the same name for its own tests (pytest
takes the nearest); `english` is not automatic here: a folder's conftest or a module asks for it.
"""

from datetime import date

import pytest
from django.utils import translation

from compensation.models import MethodologyVersion
from compensation.statements.issue import issue_statements
from config.roles import AUDITOR, ECOLOGY, FINANCE, OPERATOR
from pilots.models import OperatorAssignment, PilotProgramme, Region
from pilots.regions import load_regions
from tests.factories import (
    DOWNSTREAM,
    UPSTREAM,
    PilotProgrammeFactory,
    PlanningVersionFactory,
    UserFactory,
    make_pilot,
    posted_run,
    protected_zone,
)
from tests.workers import SLOW, CeleryWorker


@pytest.fixture
def english():
    """Messages in English (zh-hans is the default); translations are checked on their own."""
    with translation.override("en"):
        yield


@pytest.fixture
def huangshan(db):
    load_regions(prefixes=["340000", "341000"])
    return Region.objects.get(code="341000")


@pytest.fixture
def huangshan_pilot(huangshan):
    return PilotProgrammeFactory(
        name="test pilot",
        start_date=date(2023, 1, 1),
        end_date=date(2025, 12, 31),
        regions=[huangshan],
    )


@pytest.fixture
def plan(huangshan):
    return PlanningVersionFactory(region=huangshan)


@pytest.fixture
def guangdong(db):
    return MethodologyVersion.objects.get(methodology__name__startswith="广东省")


@pytest.fixture
def chinese(db):
    return MethodologyVersion.objects.get(methodology__name__startswith="中国")


@pytest.fixture
def xinan(db):
    load_regions(prefixes=["340000", "341000", "330000", "330100", "330127"])
    return {code: Region.objects.get(code=code) for code in (UPSTREAM, DOWNSTREAM)}


@pytest.fixture
def programme(xinan) -> PilotProgramme:
    return PilotProgrammeFactory(
        name="新安江试点",
        start_date=date(2023, 1, 1),
        end_date=date(2026, 12, 31),
        market=True,
        regions=xinan.values(),
    )


@pytest.fixture
def pilot(programme):
    return make_pilot(programme, 2024)


@pytest.fixture
def maker(db):
    return UserFactory(username="maker", group=FINANCE)


@pytest.fixture
def checker(db):
    return UserFactory(username="checker", group=FINANCE)


@pytest.fixture
def ecologist(db):
    return UserFactory(username="ecologist", group=ECOLOGY)


@pytest.fixture
def issued(pilot, maker, checker):
    return issue_statements(posted_run(pilot, maker, checker), by=checker, inline=True)


@pytest.fixture
def stated(pilot, maker, checker):
    """Posted, with its statements created but not rendered (no worker runs in these tests).

    Rendering PDFs is most of the cost of `issued`; tests of access to statements need
    the rows, and the few that download files render those (`render_all`)."""
    return issue_statements(posted_run(pilot, maker, checker), by=checker)


@pytest.fixture
def world(stated):
    """The posted Xin'an run, a red-line zone downstream, one user per role (finance,
    ecology, auditor, operator), the operator assigned to UPSTREAM only."""
    protected_zone(Region.objects.get(code=DOWNSTREAM))
    users = {
        role: UserFactory(username=role, group=group)
        for role, group in (
            ("finance", FINANCE),
            ("ecology", ECOLOGY),
            ("auditor", AUDITOR),
            ("operator", OPERATOR),
        )
    }
    OperatorAssignment.objects.create(
        user=users["operator"], region=Region.objects.get(code=UPSTREAM)
    )
    return {"run": stated, "users": users, "own": UPSTREAM, "other": DOWNSTREAM}


@pytest.fixture
def workers(django_db_blocker, tmp_path):
    """Start worker processes (SLOW unless told otherwise); stopped after the test."""
    from config.celery import app

    app.control.purge()
    started = []

    def start(env=SLOW):
        started.append(CeleryWorker(tmp_path, env=env).start())
        return started[-1]

    yield start
    for worker in started:
        worker.stop()
