from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from pilots.models import PlanningVersion, Region
from pilots.regions import load_regions

XINAN = ["340000", "3410", "330000", "330100", "330127"]


@pytest.fixture(autouse=True)
def english():
    """Import messages are translated; these tests read them in English (zh-hans is the default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def xinan(db):
    """Real boundaries: Anhui, 黄山市 and its counties; Zhejiang, 杭州市, 淳安县."""
    return load_regions(prefixes=XINAN)


BAD_INPUTS = Path(__file__).resolve().parent.parent / "data" / "bad-inputs"


@pytest.fixture
def huangshan(xinan):
    return Region.objects.get(code="341000")


@pytest.fixture
def plan(huangshan):
    """An unpublished planning version of 黄山市."""
    return PlanningVersion.objects.create(
        region=huangshan, name="国土空间总体规划", version=1, effective_from=date(2021, 1, 1)
    )


def corpus(name: str) -> tuple[str, bytes]:
    return name, (BAD_INPUTS / name).read_bytes()
