from datetime import date

import pytest

from pilots.models import PlanningVersion, Region
from pilots.regions import load_regions
from tests.factories import XINAN_PREFIXES


@pytest.fixture(autouse=True)
def _english(english):
    """Import messages are translated; these tests read them in English (tests/fixtures.py)."""


@pytest.fixture
def xinan(db):
    """Real boundaries: Anhui, 黄山市 and its counties; Zhejiang, 杭州市, 淳安县."""
    return load_regions(prefixes=XINAN_PREFIXES)


@pytest.fixture
def huangshan(xinan):
    return Region.objects.get(code="341000")


@pytest.fixture
def plan(huangshan):
    """An unpublished planning version of 黄山市."""
    return PlanningVersion.objects.create(
        region=huangshan, name="国土空间总体规划", version=1, effective_from=date(2021, 1, 1)
    )
