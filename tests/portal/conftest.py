"""A posted Xin'an run with its statements (rendered only where a test downloads them), and
one user per role, operators assigned to one region each."""

import pytest

from config.roles import AUDITOR, ECOLOGY, FINANCE, OPERATOR
from pilots.models import OperatorAssignment, Region
from tests.compensation.channels.conftest import DOWNSTREAM, UPSTREAM, protected_zone
from tests.compensation.settlement.conftest import user_in
from tests.compensation.statements.conftest import (  # noqa: F401 - fixtures
    checker,
    english,
    maker,
    pilot,
    programme,
    stated,
    xinan,
)


@pytest.fixture
def world(stated):  # noqa: F811 - the imported fixture
    protected_zone(Region.objects.get(code=DOWNSTREAM))
    users = {
        "finance": user_in(FINANCE, "finance"),
        "ecology": user_in(ECOLOGY, "ecology"),
        "auditor": user_in(AUDITOR, "auditor"),
        "operator": user_in(OPERATOR, "operator"),
    }
    OperatorAssignment.objects.create(
        user=users["operator"], region=Region.objects.get(code=UPSTREAM)
    )
    return {"run": stated, "users": users, "own": UPSTREAM, "other": DOWNSTREAM}
