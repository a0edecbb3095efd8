"""A Xin'an pilot with all three channels due for 2024, and the users who settle it."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from compensation import credits
from compensation.models import CreditHolder
from config.roles import ECOLOGY, FINANCE
from tests.compensation.channels.conftest import (  # noqa: F401 - fixtures
    DOWNSTREAM,
    UPSTREAM,
    credit_project,
    english,
    programme,
    verified,
    xinan,
)
from tests.compensation.channels.test_horizontal import monitor, xinan_agreement
from tests.compensation.channels.test_vertical import ei, parameters
from tests.workers import CeleryWorker


def make_pilot(pilot, year: int):
    """`year` due: vertical (no carbon term), the Xin'an agreement (P = 0.8386), one sale."""
    for code, before, after in ((UPSTREAM, "70.0", "66.5"), (DOWNSTREAM, "60.0", "60.5")):
        ei(code, year - 1, before)
        ei(code, year, after)
    parameters(pilot, carbon=False, year=year)
    agreement = xinan_agreement(pilot, start_year=year)
    monitor(agreement, year, {"CODMn": "1.80", "NH3-N": "0.080", "TN": "1.20", "TP": "0.018"})
    valuation = verified(pilot, year, {UPSTREAM: ("1000", "100"), DOWNSTREAM: ("0", "500")})
    project = credit_project(valuation, tonnes="1000.000")
    batch = credits.issue_batch(
        project=project, vintage=year, idempotency_key="i", on=date(year, 6, 1)
    )
    buyer = CreditHolder.objects.create(name="电厂", kind=CreditHolder.Kind.BUYER)
    credits.sell_units(
        units=credits.UnitRange(batch, 1, 100),
        holder=credits.protector_holder(project.region),
        buyer=buyer,
        price=Decimal("80.00"),
        key="sale",
        on=date(year, 7, 1),
    )
    return pilot


@pytest.fixture
def pilot(programme):  # noqa: F811 - the imported fixture
    return make_pilot(programme, 2024)


def user_in(group: str | None, name: str) -> User:
    user = User.objects.create_user(name, password=f"pw-{name}-2026", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def maker(db):
    return user_in(FINANCE, "maker")


@pytest.fixture
def checker(db):
    return user_in(FINANCE, "checker")


@pytest.fixture
def ecologist(db):
    return user_in(ECOLOGY, "ecologist")


SLOW = {
    # Each chunk and each posting pauses inside its transaction, so the kill lands mid-step.
    "TANHUI_FAILPOINTS": "settlement.chunk=2,settlement.post=3",
    # A killed worker's unacknowledged task is delivered again after 6 s (looked for every 2 s).
    "CELERY_VISIBILITY_TIMEOUT": "6",
    "CELERY_UNACKED_RESTORE_INTERVAL": "2",
}


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
